"""The Learn panels: for each family, what the model is, its objective in the course's notation,
and what to watch for in the live view -- in English and Korean. Gradio-free (plain Markdown with
LaTeX between ``$...$`` and ``$$...$$``), so the texts can be read, tested and reused anywhere.

Notation: $x$ a real sample, $z \\sim \\mathcal N(0, I)$ the noise, $G$ the generator, $D$ the
discriminator (critic for WGAN), $\\mathbb E$ an average over a batch.

``LESSONS[topic][lang]``: topics are the model families plus ``latent``, ``lab`` and the presets.
"""
from __future__ import annotations

LANGS = ("en", "ko")

# Markdown LaTeX delimiters for gr.Markdown(latex_delimiters=...): display first, then inline.
LATEX_DELIMITERS = [{"left": "$$", "right": "$$", "display": True}, {"left": "$", "right": "$", "display": False}]

_GAN_MINIMAX = r"$$\min_G \max_D \; V(D, G) = \mathbb{E}_{x}\big[\log D(x)\big] + \mathbb{E}_{z}\big[\log\big(1 - D(G(z))\big)\big]$$"
_BCE_D = r"$$L_D = -\big[\log D(x) + \log\big(1 - D(G(z))\big)\big]$$"
_BCE_G = r"$$L_G = -\log D(G(z))$$"

LESSONS: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------------ autoencoders
    "ae": {
        "en": r"""### Autoencoder (ae)
**What it is.** An encoder squeezes a 28×28 digit into a short code $z = f(x)$ (16 numbers here: conv 1→8→16→32, stride 2, then a linear bottleneck); a decoder $g$ mirrors it and draws the digit back. Nothing forces the codes into a known shape, so an autoencoder compresses well but samples badly.

**Objective** — reconstruction error (mean squared error over pixels):
$$L = \frac{1}{N}\sum_{i}\big\| g(f(x_i)) - x_i \big\|^2$$

**Watch for** in the live grid: the top row is the original test digits, the bottom row their reconstructions. Early on every reconstruction is the same grey blur (the average digit); then strokes appear, then the details of each digit. The loss falls fast and then flattens: a 16-number code cannot keep every pixel.""",
        "ko": r"""### 오토인코더 (ae)
**무엇인가.** 인코더가 28×28 숫자 이미지를 짧은 코드 $z = f(x)$ (여기서는 16개의 수: conv 1→8→16→32, stride 2, 이어서 선형 병목층)로 압축하고, 디코더 $g$가 같은 구조를 거꾸로 따라가며 숫자를 다시 그립니다. 코드가 어떤 분포를 따르도록 강제하지 않으므로 압축은 잘하지만 새 샘플을 만드는 데는 약합니다.

**목적 함수** — 재구성 오차 (픽셀 평균 제곱 오차):
$$L = \frac{1}{N}\sum_{i}\big\| g(f(x_i)) - x_i \big\|^2$$

**실시간 화면에서 볼 것**: 위 행은 원본 테스트 숫자, 아래 행은 재구성입니다. 처음에는 모든 재구성이 똑같은 회색 얼룩(평균 숫자)이다가, 획이 나타나고, 이어서 각 숫자의 세부가 살아납니다. 손실은 빠르게 떨어진 뒤 평평해집니다. 16개의 수로는 모든 픽셀을 담을 수 없기 때문입니다.""",
    },
    "dae": {
        "en": r"""### Denoising autoencoder (dae)
**What it is.** The same autoencoder, but it sees a *corrupted* digit and must return the clean one. The noise is $\tilde x = \mathrm{clip}(x + 0.3\,\epsilon,\ 0,\ 1)$ with $\epsilon \sim \mathcal N(0, I)$, the course's noise factor. To undo noise it has to learn what digits look like, not just copy pixels.

**Objective** — reconstruct the *clean* image from the noisy one:
$$L = \frac{1}{N}\sum_{i}\big\| g(f(\tilde x_i)) - x_i \big\|^2$$

**Watch for**: three rows — originals, noisy inputs, reconstructions. The speckles in the middle row never reach the bottom row once the model has learned; compare the loss with a plain `ae` run: it stays a little higher, since some information is really lost in the noise.""",
        "ko": r"""### 잡음 제거 오토인코더 (dae)
**무엇인가.** 같은 오토인코더지만, *손상된* 숫자를 입력받아 깨끗한 숫자를 돌려주어야 합니다. 잡음은 강의의 잡음 계수를 따라 $\tilde x = \mathrm{clip}(x + 0.3\,\epsilon,\ 0,\ 1)$, $\epsilon \sim \mathcal N(0, I)$ 입니다. 잡음을 없애려면 픽셀을 베끼는 것이 아니라 숫자가 어떻게 생겼는지를 배워야 합니다.

**목적 함수** — 잡음 섞인 이미지에서 *깨끗한* 이미지를 재구성:
$$L = \frac{1}{N}\sum_{i}\big\| g(f(\tilde x_i)) - x_i \big\|^2$$

**실시간 화면에서 볼 것**: 세 행 — 원본, 잡음 섞인 입력, 재구성. 학습이 되면 가운데 행의 점 잡음이 아래 행에 나타나지 않습니다. 일반 `ae` 실행과 손실을 비교해 보세요. 잡음 속에서 일부 정보는 정말로 사라지므로 손실이 조금 더 높게 유지됩니다.""",
    },
    "vae": {
        "en": r"""### Variational autoencoder (vae)
**What it is.** The encoder outputs a *distribution* $q(z\mid x) = \mathcal N(\mu, \sigma^2)$ instead of a single code. We sample from it with the reparameterization trick, $z = \mu + \sigma \odot \epsilon,\ \epsilon \sim \mathcal N(0, I)$, so gradients flow through the sampling. A KL term pulls every $q(z\mid x)$ toward $\mathcal N(0, I)$; afterwards *any* $z \sim \mathcal N(0, I)$ decodes to a plausible digit. The latent has 2 dimensions here, so we can draw all of it.

**Objective** — reconstruction (binary cross-entropy, summed over pixels) + KL divergence:
$$L = \underbrace{-\sum_{j}\big[x_j \log \hat x_j + (1 - x_j)\log(1 - \hat x_j)\big]}_{\text{reconstruction}} \;+\; \underbrace{-\tfrac12 \sum_{k}\big(1 + \log\sigma_k^2 - \mu_k^2 - \sigma_k^2\big)}_{D_{KL}(q(z\mid x)\,\|\,\mathcal N(0, I))}$$

**Watch for**: rows — originals, reconstructions, then samples from $\mathcal N(0, I)$. The curves `recon` and `kl` pull against each other: `recon` falls while `kl` *rises* (the codes spread out to carry information), then both settle. Reconstructions are blurrier than the autoencoder's, the price of a smooth latent space. Draw the **latent map**: neighbouring points decode to similar digits, and one digit morphs into the next.""",
        "ko": r"""### 변분 오토인코더 (vae)
**무엇인가.** 인코더가 코드 하나가 아니라 *분포* $q(z\mid x) = \mathcal N(\mu, \sigma^2)$ 를 출력합니다. 재매개변수화 기법 $z = \mu + \sigma \odot \epsilon,\ \epsilon \sim \mathcal N(0, I)$ 으로 샘플을 뽑으므로 샘플링을 거쳐서도 기울기가 흐릅니다. KL 항이 모든 $q(z\mid x)$ 를 $\mathcal N(0, I)$ 쪽으로 끌어당기므로, 학습 뒤에는 *아무* $z \sim \mathcal N(0, I)$ 나 그럴듯한 숫자로 디코딩됩니다. 여기서는 잠재 공간이 2차원이라 전체를 그려 볼 수 있습니다.

**목적 함수** — 재구성 (픽셀별 이진 교차 엔트로피의 합) + KL 발산:
$$L = \underbrace{-\sum_{j}\big[x_j \log \hat x_j + (1 - x_j)\log(1 - \hat x_j)\big]}_{\text{재구성}} \;+\; \underbrace{-\tfrac12 \sum_{k}\big(1 + \log\sigma_k^2 - \mu_k^2 - \sigma_k^2\big)}_{D_{KL}(q(z\mid x)\,\|\,\mathcal N(0, I))}$$

**실시간 화면에서 볼 것**: 행 순서는 원본, 재구성, 그리고 $\mathcal N(0, I)$ 에서 뽑은 샘플입니다. `recon` 과 `kl` 곡선은 서로 반대 방향으로 당깁니다. `recon` 이 내려가는 동안 `kl` 은 *올라가고* (정보를 담기 위해 코드가 퍼짐), 그 뒤 둘 다 안정됩니다. 재구성은 오토인코더보다 흐릿한데, 매끄러운 잠재 공간의 대가입니다. **잠재 공간 지도**를 그려 보세요. 가까운 점은 비슷한 숫자로 디코딩되고, 한 숫자가 다음 숫자로 서서히 바뀝니다.""",
    },
    # ------------------------------------------------------------------ GANs
    "gan": {
        "en": r"""### GAN (gan)
**What it is.** Two networks play a game. The generator $G$ turns noise $z$ into an image; the discriminator $D$ outputs the probability that its input is real. $D$ learns to tell real from fake, $G$ learns to fool $D$. Here both are MLPs (G: 128→256→512→1024→784, Tanh; D: 784→1024→512→256→1 with Dropout 0.3), Adam 2e-4.

**Objective** — the minimax game:
""" + _GAN_MINIMAX + r"""
trained with binary cross-entropy, one loss per player:
""" + _BCE_D + _BCE_G + r"""
($L_G$ is the *non-saturating* form: instead of minimising $\log(1 - D(G(z)))$, which gives almost no gradient while $D$ easily spots the fakes, $G$ maximises $\log D(G(z))$.) One training step is **D on real**, **D on fake** (with $G$ frozen), then **G**; $k$ D-steps per G-step.

**Watch for**: early on $D$ wins quickly: the D loss falls while the G loss *rises*, $D(x) \to 1$ and $D(G(z)) \to 0$. Then $G$ catches up and the curves oscillate instead of converging — a GAN has no loss that simply goes down. In a healthy run $D(x)$ and $D(G(z))$ stay apart but neither sticks to 0 or 1. The grid uses a fixed $z$: watch the *same* blobs turn into digits. Under the curves, **Which classes G draws** is the judge's reading of 1,000 samples: the data has each digit 1/10 of the time, so a few tall bars (and `classes_1k` far below 10) mean $G$ has found a few digits that fool $D$ and keeps to them — mode collapse, on real data.""",
        "ko": r"""### GAN (gan)
**무엇인가.** 두 신경망이 게임을 합니다. 생성자 $G$ 는 잡음 $z$ 를 이미지로 바꾸고, 판별자 $D$ 는 입력이 진짜일 확률을 출력합니다. $D$ 는 진짜와 가짜를 구별하도록, $G$ 는 $D$ 를 속이도록 학습합니다. 여기서는 둘 다 MLP입니다 (G: 128→256→512→1024→784, Tanh; D: 784→1024→512→256→1, Dropout 0.3), Adam 2e-4.

**목적 함수** — 미니맥스 게임:
""" + _GAN_MINIMAX + r"""
이를 이진 교차 엔트로피로, 선수마다 손실 하나씩 두고 학습합니다:
""" + _BCE_D + _BCE_G + r"""
($L_G$ 는 *포화하지 않는* 형태입니다. $D$ 가 가짜를 쉽게 알아보는 동안 $\log(1 - D(G(z)))$ 의 기울기는 거의 0이므로, 그것을 최소화하는 대신 $\log D(G(z))$ 를 최대화합니다.) 학습 스텝 하나는 **진짜 데이터로 D**, **가짜 데이터로 D** ($G$ 고정), 그리고 **G** 순서이며, G 한 번에 D를 $k$ 번 학습합니다.

**실시간 화면에서 볼 것**: 초반에는 $D$ 가 빨리 이깁니다. D 손실은 내려가고 G 손실은 *올라가며*, $D(x) \to 1$, $D(G(z)) \to 0$ 이 됩니다. 그 뒤 $G$ 가 따라잡으면서 곡선은 수렴하지 않고 진동합니다. GAN에는 그냥 내려가기만 하는 손실이 없습니다. 잘 진행되는 학습에서는 $D(x)$ 와 $D(G(z))$ 가 떨어져 있지만 어느 쪽도 0이나 1에 붙지 않습니다. 격자는 고정된 $z$ 를 쓰므로 *같은* 얼룩이 숫자로 변하는 모습을 보세요. 곡선 아래의 **G가 그리는 클래스**는 판정 분류기가 샘플 1,000개를 읽은 결과입니다. 데이터에는 각 숫자가 1/10씩 있으므로, 막대 몇 개만 높고 `classes_1k` 가 10보다 훨씬 낮으면 $G$ 가 $D$ 를 속이는 숫자 몇 개를 찾아 그것만 그리는 것입니다 — 진짜 데이터에서의 모드 붕괴입니다.""",
    },
    "toy1010": {
        "en": r"""### The 1010 toy GAN (toy1010)
**What it is.** The smallest GAN of the course: the real data is the pattern $[1, 0, 1, 0]$ with a little jitter. $G$ turns *one* random number into 4 values (1 → 3 → 4, Sigmoid); $D$ reads 4 values and says real or fake (4 → 3 → 1). Small enough to follow every step by hand.

**Objective** — the GAN game with BCE:
""" + _BCE_D + _BCE_G + r"""
**The course's three steps**, which the **Lab** tab lets you click one at a time:
1. **D on real**: push $D(x)$ toward 1 — loss $-\log D(x)$.
2. **D on fake**: push $D(G(z))$ toward 0 with $G$ frozen (the fake is *detached*) — loss $-\log(1 - D(G(z)))$.
3. **G step**: change $G$ so that $D(G(z))$ goes up — loss $-\log D(G(z))$, with $D$ frozen.

**Watch for**: the purple bars (the mean generated pattern) climb toward the grey outlines $[1, 0, 1, 0]$. `pattern_error` is the mean distance to the target. D-steps alone never move the bars; only a G-step does.""",
        "ko": r"""### 1010 패턴 토이 GAN (toy1010)
**무엇인가.** 강의에서 가장 작은 GAN입니다. 진짜 데이터는 약간의 잡음이 섞인 $[1, 0, 1, 0]$ 패턴입니다. $G$ 는 난수 *하나*를 값 4개로 바꾸고 (1 → 3 → 4, Sigmoid), $D$ 는 값 4개를 읽고 진짜인지 가짜인지 판정합니다 (4 → 3 → 1). 모든 단계를 손으로 따라갈 수 있을 만큼 작습니다.

**목적 함수** — 이진 교차 엔트로피로 하는 GAN 게임:
""" + _BCE_D + _BCE_G + r"""
**강의의 세 단계** — **실험실** 탭에서 하나씩 눌러 볼 수 있습니다:
1. **진짜 데이터로 D 학습**: $D(x)$ 를 1 쪽으로 — 손실 $-\log D(x)$.
2. **가짜 데이터로 D 학습**: $G$ 를 고정한 채 (가짜를 *detach*) $D(G(z))$ 를 0 쪽으로 — 손실 $-\log(1 - D(G(z)))$.
3. **G 학습**: $D(G(z))$ 가 올라가도록 $G$ 를 바꿈 — 손실 $-\log D(G(z))$, $D$ 는 고정.

**실시간 화면에서 볼 것**: 보라색 막대(생성된 패턴의 평균)가 회색 테두리 $[1, 0, 1, 0]$ 쪽으로 올라갑니다. `pattern_error` 는 목표까지의 평균 거리입니다. D 단계만으로는 막대가 움직이지 않고, G 단계만 막대를 움직입니다.""",
    },
    "ring": {
        "en": r"""### Ring of 8 Gaussians (ring)
**What it is.** A small MLP GAN on 2-D points: the real data is 8 tight Gaussians ($\sigma = 0.02$) on a circle of radius 2. The standard test for **mode collapse**: $G$ finds one mode that fools $D$, puts all its samples there, $D$ learns to reject that spot, and $G$ hops to the next mode instead of covering all eight.

**Objective** — the GAN game with BCE:
""" + _GAN_MINIMAX + r"""
**Metrics** (VEEGAN's protocol, 2,500 samples): a sample is *high quality* within $3\sigma$ of a mode; `modes` = how many of the 8 modes have at least one, `hq_rate` = the fraction of high-quality samples.

**Watch for**: green = real points, purple = generated, background = $D$'s output (orange: "real", blue: "fake"). $D$ paints orange where real data is and blue where the fakes sit; $G$'s points slide uphill into orange. A collapsed GAN is a tight purple blob that jumps around; `modes` stays at 0–1.""",
        "ko": r"""### 8개 가우시안 고리 (ring)
**무엇인가.** 2차원 점에 대한 작은 MLP GAN입니다. 진짜 데이터는 반지름 2인 원 위의 좁은 가우시안 8개 ($\sigma = 0.02$) 입니다. **모드 붕괴**의 표준 실험입니다. $G$ 가 $D$ 를 속이는 모드 하나를 찾아 모든 샘플을 거기에 두면, $D$ 는 그 자리를 거부하도록 배우고, $G$ 는 8개 모드를 모두 포착하는 대신 다음 모드로 옮겨 갑니다.

**목적 함수** — 이진 교차 엔트로피로 하는 GAN 게임:
""" + _GAN_MINIMAX + r"""
**지표** (VEEGAN의 평가 방식, 샘플 2,500개): 모드에서 $3\sigma$ 안에 들어온 샘플은 *고품질*입니다. `modes` 는 고품질 샘플이 하나라도 있는 모드 수 (8개 중), `hq_rate` 는 고품질 샘플의 비율입니다.

**실시간 화면에서 볼 것**: 초록 = 진짜 점, 보라 = 생성된 점, 배경 = $D$ 의 출력 (주황: "진짜", 파랑: "가짜"). $D$ 는 진짜 데이터가 있는 곳을 주황으로, 가짜가 있는 곳을 파랑으로 칠하고, $G$ 의 점들은 경사를 타고 주황 영역으로 올라갑니다. 붕괴한 GAN은 여기저기 뛰어다니는 작은 보라색 덩어리이고, `modes` 는 0–1에 머뭅니다.""",
    },
    "dcgan": {
        "en": r"""### DCGAN (dcgan)
**What it is.** The GAN game with convolutional networks and the DCGAN paper's rules that made GANs train reliably on images: strided (transposed) convolutions instead of pooling; BatchNorm in both nets except G's output layer and D's input layer; ReLU in $G$ with Tanh at the output; LeakyReLU(0.2) in $D$; Adam 2e-4 with $\beta_1 = 0.5$.

**Objective** — the same minimax game and BCE losses as the plain GAN:
""" + _GAN_MINIMAX + _BCE_D + _BCE_G + r"""
**Watch for**: digit shapes appear within a few hundred steps, much sooner than with the MLP GAN. `judge_fid_1k` (a Fréchet distance in the features of a small MNIST classifier, on 1,000 samples; lower is better) should fall steadily, and `recognizable_1k` — the share of samples that classifier reads as some digit with at least 90 % confidence (real test digits: 0.97) — should climb. If $D(G(z))$ sticks at 0 and the grid stops changing, $D$ has won and $G$ gets no useful gradient. **Batch size**: the Train tab starts at 32 (the paper used 128): on a CPU the images per second hardly depend on the batch, so a smaller batch makes more updates a minute and the digits appear sooner. **Learning rate**: the Train tab starts at 1e-3, five times the paper's 2e-4. On a 2-core CPU, one minute of training then gets about twice as far (judge-FID of 10,000 samples about 115-140 instead of 240-270, cleaner strokes), and the run stayed steady for the ten minutes measured (docs/PERFORMANCE.md). Type 2e-4 in the field to see the paper's pace; `python -m train` and the shipped models use the paper's 2e-4. Far higher goes wrong: see the "learning rate too high" race (1e-2). Try the **Latent** tab afterwards: walk between two seeds. The shipped `mnist-dcgan` and `fashion-dcgan` also carry InfoGAN's categorical code (`--set codes=10`): *Latent → Code categories* shows that each of mnist-dcgan's 10 categories became one digit without any label.""",
        "ko": r"""### DCGAN (dcgan)
**무엇인가.** 합성곱 신경망으로 하는 GAN 게임이며, 이미지에서 GAN이 안정적으로 학습되게 만든 DCGAN 논문의 규칙을 따릅니다. 풀링 대신 스트라이드가 있는 (전치) 합성곱, G의 출력층과 D의 입력층을 뺀 모든 층에 BatchNorm, $G$ 에는 ReLU와 출력 Tanh, $D$ 에는 LeakyReLU(0.2), Adam 2e-4와 $\beta_1 = 0.5$.

**목적 함수** — 일반 GAN과 같은 미니맥스 게임과 BCE 손실:
""" + _GAN_MINIMAX + _BCE_D + _BCE_G + r"""
**실시간 화면에서 볼 것**: MLP GAN보다 훨씬 빨리, 몇백 스텝 안에 숫자 모양이 나타납니다. `judge_fid_1k` (작은 MNIST 분류기의 특징 공간에서 잰 샘플 1,000개의 프레셰 거리, 낮을수록 좋음)가 꾸준히 내려가고, `recognizable_1k` — 그 분류기가 90 % 이상의 신뢰도로 어떤 숫자로 읽는 샘플의 비율 (실제 테스트 숫자: 0.97) — 이 올라가야 합니다. $D(G(z))$ 가 0에 붙고 격자가 더 이상 바뀌지 않으면 $D$ 가 이겨서 $G$ 가 쓸모 있는 기울기를 받지 못하는 것입니다. **배치 크기**: 학습 탭은 32에서 시작합니다(논문은 128). CPU에서는 초당 이미지 수가 배치 크기와 거의 상관없으므로, 배치가 작으면 1분에 더 많이 업데이트하므로 숫자가 더 빨리 나타납니다. **학습률**: 학습 탭은 논문 값 2e-4의 다섯 배인 1e-3에서 시작합니다. 그러면 2코어 CPU에서 1분 학습의 진척이 약 두 배가 됩니다 (샘플 10,000개의 judge-FID가 240-270 대신 약 115-140, 더 깨끗한 획). 측정한 10분 동안 학습은 안정적이었습니다 (docs/PERFORMANCE.md). 논문의 속도를 보려면 학습률 칸에 2e-4를 넣으세요. `python -m train` 도, 함께 제공되는 모델도 논문의 2e-4를 씁니다. 훨씬 더 높이면 망가집니다: "학습률이 너무 높을 때" 경주(1e-2)를 보세요. 학습 뒤에는 **잠재 공간** 탭에서 두 시드 사이를 걸어 보세요. 함께 제공되는 `mnist-dcgan` 과 `fashion-dcgan` 에는 InfoGAN의 범주형 코드(`--set codes=10`)도 있습니다: *잠재 공간 → 코드 범주*에서 레이블 없이도 mnist-dcgan의 10개 범주가 각각 한 숫자가 된 것을 볼 수 있습니다.""",
    },
    "wgan": {
        "en": r"""### Wasserstein GAN (wgan)
**What it is.** $D$ becomes a **critic**: no Sigmoid, it outputs a score, and the difference of average scores estimates the Wasserstein (earth mover's) distance between the real and generated distributions. Unlike the BCE game, this distance still gives $G$ a useful gradient when the two distributions do not overlap — the usual cause of vanishing gradients and mode collapse.

**Objective** — the Wasserstein losses:
$$L_D = \mathbb{E}_{z}\big[D(G(z))\big] - \mathbb{E}_{x}\big[D(x)\big], \qquad L_G = -\,\mathbb{E}_{z}\big[D(G(z))\big]$$
The estimate is valid only for a **1-Lipschitz** critic, $|D(a) - D(b)| \le \|a - b\|$. Two ways to enforce it:
- **weight clipping** (the course, Arjovsky et al.): after every critic step, $w \leftarrow \mathrm{clip}(w, -c, c)$ with $c = 0.01$; RMSprop 5e-5.
- **gradient penalty** (WGAN-GP, Gulrajani et al.): add $\lambda\,\mathbb{E}_{\hat x}\big[(\|\nabla_{\hat x} D(\hat x)\|_2 - 1)^2\big]$ on random points $\hat x$ between real and fake samples; $\lambda = 10$, Adam 1e-4, $\beta = (0, 0.9)$.

$n_\text{critic} = 5$ critic steps per generator step.

**Watch for**: the critic loss is $-(\text{estimated distance})$: it starts near 0, drops, then climbs back toward 0 as $G$ improves — unlike a BCE loss it tracks sample quality. `gp` is the penalty term. On the ring, compare with a plain GAN in the **mode collapse** preset.""",
        "ko": r"""### 바서슈타인 GAN (wgan)
**무엇인가.** $D$ 가 **비평자(critic)** 가 됩니다. Sigmoid 없이 점수를 출력하고, 평균 점수의 차이가 진짜 분포와 생성 분포 사이의 바서슈타인(earth mover's) 거리를 추정합니다. BCE 게임과 달리, 두 분포가 겹치지 않을 때도 이 거리는 $G$ 에게 쓸모 있는 기울기를 줍니다. 겹치지 않는 분포는 기울기 소실과 모드 붕괴의 흔한 원인입니다.

**목적 함수** — 바서슈타인 손실:
$$L_D = \mathbb{E}_{z}\big[D(G(z))\big] - \mathbb{E}_{x}\big[D(x)\big], \qquad L_G = -\,\mathbb{E}_{z}\big[D(G(z))\big]$$
이 추정은 비평자가 **1-립시츠**, 즉 $|D(a) - D(b)| \le \|a - b\|$ 일 때만 성립합니다. 이를 강제하는 방법은 두 가지입니다:
- **가중치 클리핑** (강의, Arjovsky 등): 비평자 스텝마다 $w \leftarrow \mathrm{clip}(w, -c, c)$, $c = 0.01$; RMSprop 5e-5.
- **기울기 페널티** (WGAN-GP, Gulrajani 등): 진짜와 가짜 샘플 사이의 임의의 점 $\hat x$ 에서 $\lambda\,\mathbb{E}_{\hat x}\big[(\|\nabla_{\hat x} D(\hat x)\|_2 - 1)^2\big]$ 를 더함; $\lambda = 10$, Adam 1e-4, $\beta = (0, 0.9)$.

생성자 스텝 한 번에 비평자 스텝 $n_\text{critic} = 5$ 번.

**실시간 화면에서 볼 것**: 비평자 손실은 $-(\text{추정 거리})$ 입니다. 0 근처에서 시작해 내려갔다가, $G$ 가 좋아지면서 다시 0 쪽으로 올라옵니다. BCE 손실과 달리 샘플 품질을 따라갑니다. `gp` 는 페널티 항입니다. 고리 데이터에서는 **모드 붕괴** 프리셋으로 일반 GAN과 비교해 보세요.""",
    },
    "cgan": {
        "en": r"""### Conditional GAN (cgan)
**What it is.** Both players are told the class $y$. $G(z \mid y)$ must draw *that* class; $D(x \mid y)$ judges whether $x$ is a real example *of that class*. In the course's version, $G$ multiplies $z$ element-wise by a learned embedding of $y$, and $D$ gets $y$ as an extra image channel (an embedding reshaped to 28×28) concatenated to its input.

**Objective** — the GAN game, conditioned on the label:
$$\min_G \max_D \; \mathbb{E}_{x, y}\big[\log D(x \mid y)\big] + \mathbb{E}_{z, y}\big[\log\big(1 - D(G(z \mid y) \mid y)\big)\big]$$

**Watch for**: in the grid, row $i$ is class $i$ and each column keeps one $z$. First the rows all look alike (G ignores $y$); then each row takes its class's shape, while within a column the *style* (thickness, slant) stays shared. `class_acc` — how often a classifier recognises the asked-for class — climbs from 0.1 (chance) toward 1. The Train tab starts at Adam 1e-3, five times the recipe's 2e-4: after one minute on a 2-core CPU the classifier reads the asked-for digit in 93 % of the samples instead of 84 % (judge-FID of 10,000 samples 16-29 instead of 49-65; docs/PERFORMANCE.md). Type 2e-4 to see the recipe's pace.""",
        "ko": r"""### 조건부 GAN (cgan)
**무엇인가.** 두 선수 모두 클래스 $y$ 를 입력받습니다. $G(z \mid y)$ 는 *그* 클래스를 그려야 하고, $D(x \mid y)$ 는 $x$ 가 *그 클래스의* 진짜 샘플인지 판단합니다. 강의에서 쓰는 방식에서는 $G$ 가 학습된 $y$ 의 임베딩을 $z$ 에 원소별로 곱하고, $D$ 는 $y$ 를 추가 이미지 채널(28×28로 바꾼 임베딩)로 받아 입력에 이어 붙입니다.

**목적 함수** — 레이블을 조건으로 한 GAN 게임:
$$\min_G \max_D \; \mathbb{E}_{x, y}\big[\log D(x \mid y)\big] + \mathbb{E}_{z, y}\big[\log\big(1 - D(G(z \mid y) \mid y)\big)\big]$$

**실시간 화면에서 볼 것**: 격자의 $i$ 번째 행은 클래스 $i$ 이고, 각 열은 같은 $z$ 를 씁니다. 처음에는 모든 행이 비슷하다가 (G가 $y$ 를 무시), 각 행이 자기 클래스의 모양을 갖추고, 한 열 안에서는 *스타일*(굵기, 기울기)이 공유됩니다. `class_acc` — 분류기가 요청한 클래스를 알아보는 비율 — 가 0.1(우연 수준)에서 1 쪽으로 올라갑니다. 학습 탭은 레시피 값 2e-4의 다섯 배인 Adam 1e-3에서 시작합니다: 2코어 CPU에서 1분 학습한 뒤 분류기가 샘플의 84 % 대신 93 % 에서 요청한 숫자를 읽습니다 (샘플 10,000개의 judge-FID 49-65 대신 16-29; docs/PERFORMANCE.md). 레시피의 속도를 보려면 2e-4를 넣으세요.""",
    },
    "pix2pix": {
        "en": r"""### Pix2Pix (pix2pix)
**What it is.** Image-to-image translation from **paired** examples (edges → shoe photo). $G$ is a U-Net: an encoder-decoder whose skip connections carry the fine edges straight across. $D$ is a **PatchGAN**: instead of one verdict per image it judges every patch (a 70×70 receptive field at 256 px), so it enforces sharp local texture while the L1 term takes care of the overall layout.

**Objective** — a conditional GAN loss plus an L1 reconstruction term:
$$G^* = \arg\min_G \max_D \; \mathcal{L}_{cGAN}(G, D) + \lambda\, \mathcal{L}_{L1}(G), \qquad \lambda = 100$$
$$\mathcal{L}_{cGAN} = \mathbb{E}_{x, y}\big[\log D(x, y)\big] + \mathbb{E}_{x}\big[\log\big(1 - D(x, G(x))\big)\big], \qquad \mathcal{L}_{L1} = \mathbb{E}_{x, y}\big[\| y - G(x) \|_1\big]$$

**Watch for**: rows — edges, generated shoes, real shoes. The L1 term alone gives the right colours in blurry form quickly; the adversarial term then adds crisp texture. The `l1` curve falls steadily while the D and G losses wobble. A run started here trains at 64 px on a CPU, so expect soft details (the shipped model works at 128 px).

**Edge maps and drawings.** edges2shoes' inputs are edge maps of the photos (every seam and lace); a hand drawing is much sparser. So half the training pairs swap the edge map for the shoe's **outline** (the photo's silhouette traced in one line), alone or with some of the edge lines: a plain outline drawn here then becomes a whole shoe. The outline says nothing about colour or material, so those are the model's guess.""",
        "ko": r"""### Pix2Pix (pix2pix)
**무엇인가.** **짝지어진** 예시로 배우는 이미지 대 이미지 변환입니다 (에지 → 신발 사진). $G$ 는 U-Net으로, 스킵 연결이 세밀한 에지를 인코더에서 디코더로 바로 건네주는 인코더-디코더입니다. $D$ 는 **PatchGAN**입니다. 이미지 전체에 판정 하나를 내리는 대신 모든 패치(256 px에서 70×70 수용 영역)를 판정하므로, $D$ 는 또렷한 국소 질감을 강제하고 전체 구도는 L1 항이 맡습니다.

**목적 함수** — 조건부 GAN 손실과 L1 재구성 항:
$$G^* = \arg\min_G \max_D \; \mathcal{L}_{cGAN}(G, D) + \lambda\, \mathcal{L}_{L1}(G), \qquad \lambda = 100$$
$$\mathcal{L}_{cGAN} = \mathbb{E}_{x, y}\big[\log D(x, y)\big] + \mathbb{E}_{x}\big[\log\big(1 - D(x, G(x))\big)\big], \qquad \mathcal{L}_{L1} = \mathbb{E}_{x, y}\big[\| y - G(x) \|_1\big]$$

**실시간 화면에서 볼 것**: 행 순서는 에지, 생성된 신발, 진짜 신발입니다. L1 항만으로도 색은 금방 맞지만 흐릿하고, 적대적 항이 또렷한 질감을 더합니다. D와 G 손실이 흔들리는 동안 `l1` 곡선은 꾸준히 내려갑니다. 여기서 시작한 학습은 CPU를 위해 64 px로 진행되므로 세부가 흐릿한 것은 정상입니다 (제공되는 모델은 128 px).

**에지 맵과 손그림.** edges2shoes의 입력은 사진의 에지 맵(솔기와 끈까지 모두)이지만, 손으로 그린 그림은 훨씬 성깁니다. 그래서 학습 쌍의 절반은 에지 맵 대신 신발의 **외곽선**(사진의 실루엣을 선 하나로 딴 것)을, 그대로 또는 에지 선 일부와 함께 씁니다. 덕분에 여기서 외곽선만 그려도 신발 전체가 나옵니다. 외곽선은 색이나 소재를 알려 주지 않으므로 색과 소재는 모델이 추측한 것입니다.""",
    },
    "cyclegan": {
        "en": r"""### CycleGAN (cyclegan)
**What it is.** Translation without pairs: we have horse photos and zebra photos, but no photo of *the same* horse as a zebra. Two generators $G: X \to Y$ (horse → zebra) and $F: Y \to X$, and two discriminators $D_Y$, $D_X$. The adversarial losses make $G(x)$ look like a zebra; the **cycle-consistency** loss makes sure it is still *this* horse: going there and back must return the input.

**Objective** — two adversarial losses (least squares, LSGAN) + cycle consistency (+ an identity term):
$$\mathcal{L} = \mathcal{L}_{GAN}(G, D_Y) + \mathcal{L}_{GAN}(F, D_X) + \lambda\, \mathcal{L}_{cyc}(G, F), \qquad \lambda = 10$$
$$\mathcal{L}_{cyc} = \mathbb{E}_{x}\big[\| F(G(x)) - x \|_1\big] + \mathbb{E}_{y}\big[\| G(F(y)) - y \|_1\big]$$
$$\mathcal{L}_{GAN}(G, D_Y) = \mathbb{E}_{y}\big[(D_Y(y) - 1)^2\big] + \mathbb{E}_{x}\big[D_Y(G(x))^2\big]$$
The identity term $\mathbb{E}_y\|G(y) - y\|_1 + \mathbb{E}_x\|F(x) - x\|_1$ keeps colours that need no change.

**Watch for**: rows — horses, as zebras, cycled back; zebras, as horses, cycled back. The `cycle` curve falls first (copying is easy); stripes come later and slowly. "Cycled back" close to the original means the cycle loss did its job.""",
        "ko": r"""### CycleGAN (cyclegan)
**무엇인가.** 짝 없는 변환입니다. 말 사진과 얼룩말 사진은 있지만, *같은* 말을 얼룩말로 찍은 사진은 없습니다. 생성자 둘 $G: X \to Y$ (말 → 얼룩말), $F: Y \to X$ 와 판별자 둘 $D_Y$, $D_X$ 를 둡니다. 적대적 손실은 $G(x)$ 가 얼룩말처럼 보이게 하고, **순환 일관성** 손실은 그것이 여전히 *이* 말임을 보장합니다. 갔다가 돌아오면 입력이 나와야 합니다.

**목적 함수** — 적대적 손실 둘 (최소 제곱, LSGAN) + 순환 일관성 (+ 항등 항):
$$\mathcal{L} = \mathcal{L}_{GAN}(G, D_Y) + \mathcal{L}_{GAN}(F, D_X) + \lambda\, \mathcal{L}_{cyc}(G, F), \qquad \lambda = 10$$
$$\mathcal{L}_{cyc} = \mathbb{E}_{x}\big[\| F(G(x)) - x \|_1\big] + \mathbb{E}_{y}\big[\| G(F(y)) - y \|_1\big]$$
$$\mathcal{L}_{GAN}(G, D_Y) = \mathbb{E}_{y}\big[(D_Y(y) - 1)^2\big] + \mathbb{E}_{x}\big[D_Y(G(x))^2\big]$$
항등 항 $\mathbb{E}_y\|G(y) - y\|_1 + \mathbb{E}_x\|F(x) - x\|_1$ 은 바꿀 필요 없는 색을 지킵니다.

**실시간 화면에서 볼 것**: 행 순서는 말, 얼룩말로 바꾼 것, 되돌린 것; 얼룩말, 말로 바꾼 것, 되돌린 것. `cycle` 곡선이 먼저 내려가고 (복사는 쉬움), 줄무늬는 나중에 천천히 나타납니다. "되돌린 결과"가 원본과 비슷하면 순환 손실이 제 역할을 한 것입니다.""",
    },
    # ------------------------------------------------------------------ tabs and presets
    "latent": {
        "en": r"""### The latent space
**What it is.** A generator is a function $x = G(z)$; every image comes from a point $z$ (100 numbers for the GANs here, 2 for the VAE). A seed names one $z$. Nearby $z$'s give similar images, so we can *walk* between two of them:
$$\text{lerp: } z_t = (1 - t)\, z_A + t\, z_B, \qquad \text{slerp: } z_t = \frac{\sin((1 - t)\theta)}{\sin\theta} z_A + \frac{\sin(t\theta)}{\sin\theta} z_B$$
with $\theta$ the angle between $z_A$ and $z_B$. A 100-d Gaussian $z$ lives near a sphere of radius $\approx\sqrt{100} = 10$; lerp's midpoint falls inside it (its norm shrinks by about $1/\sqrt2$), which is why slerp's middle images look more natural.

**Arithmetic** (the DCGAN paper): average the $z$ of a few seeds per concept, then decode $\bar z_A - \bar z_B + \bar z_C$.

**Watch for**: a smooth walk (no sudden jumps) means $G$ learned a continuous map rather than memorising images. Export the walk as a GIF below.""",
        "ko": r"""### 잠재 공간
**무엇인가.** 생성자는 함수 $x = G(z)$ 입니다. 모든 이미지는 점 $z$ 하나(여기 GAN은 수 100개, VAE는 2개)에서 나오고, 시드 하나가 $z$ 하나를 정합니다. 가까운 $z$ 는 비슷한 이미지가 되므로 두 점 사이를 *걸어* 볼 수 있습니다:
$$\text{lerp: } z_t = (1 - t)\, z_A + t\, z_B, \qquad \text{slerp: } z_t = \frac{\sin((1 - t)\theta)}{\sin\theta} z_A + \frac{\sin(t\theta)}{\sin\theta} z_B$$
$\theta$ 는 $z_A$ 와 $z_B$ 사이의 각도입니다. 100차원 가우시안 $z$ 는 반지름 $\approx\sqrt{100} = 10$ 인 구 근처에 모여 있습니다. lerp의 중간점은 구 안쪽으로 들어가므로 (노름이 약 $1/\sqrt2$ 배로 줄어듦) slerp의 가운데 이미지가 더 자연스럽습니다.

**벡터 연산** (DCGAN 논문): 개념마다 시드 몇 개의 $z$ 를 평균한 뒤 $\bar z_A - \bar z_B + \bar z_C$ 를 디코딩합니다.

**볼 것**: 갑자기 튀지 않는 매끄러운 이동은 $G$ 가 이미지를 외운 것이 아니라 연속적인 사상을 배웠다는 뜻입니다. 아래에서 이동 과정을 GIF로 내보낼 수 있습니다.""",
    },
    "lab": {
        "en": r"""### Step by step: the three steps of GAN training
Every GAN step in the course is three smaller steps. Here you press them yourself, on a model small enough to watch:
1. **D on real** — show $D$ a batch of real data, lower $-\log D(x)$: $D(x)$ goes up.
2. **D on fake** — show $D$ a batch from $G$ (detached, so $G$ does not change), lower $-\log(1 - D(G(z)))$: $D(G(z))$ goes down.
3. **G step** — change only $G$ to lower $-\log D(G(z))$: its samples move to where $D$ says "real".

**Try**: press *D on real* a few times — on the ring the orange area grows around the green points, but the purple points do not move. Then *G step* a few times: the purple points slide toward orange. Only G-steps move the samples; only D-steps change the background. Then *Train 100 steps* runs the three steps together 100 times. Your model lives in your browser session; **Reset** rebuilds it from the seed, so the same seed and the same clicks give the same result.""",
        "ko": r"""### 한 단계씩: GAN 학습의 세 단계
강의에서 GAN 학습 스텝 하나는 더 작은 세 단계로 이루어집니다. 여기서는 지켜볼 수 있을 만큼 작은 모델로 그 단계를 직접 눌러 봅니다:
1. **진짜 데이터로 D 학습** — $D$ 에게 진짜 데이터 배치를 보여 주고 $-\log D(x)$ 를 낮춤: $D(x)$ 가 올라갑니다.
2. **가짜 데이터로 D 학습** — $G$ 가 만든 배치를 보여 주고 (detach 하므로 $G$ 는 바뀌지 않음) $-\log(1 - D(G(z)))$ 를 낮춤: $D(G(z))$ 가 내려갑니다.
3. **G 학습** — $G$ 만 바꿔 $-\log D(G(z))$ 를 낮춤: 샘플이 $D$ 가 "진짜"라고 하는 곳으로 움직입니다.

**해 볼 것**: *진짜 데이터로 D 학습*을 몇 번 누르세요. 고리에서는 초록 점 주위의 주황 영역이 커지지만 보라색 점은 움직이지 않습니다. 그다음 *G 학습*을 몇 번 누르면 보라색 점이 주황 쪽으로 미끄러집니다. 샘플을 움직이는 것은 G 단계뿐이고, 배경을 바꾸는 것은 D 단계뿐입니다. *100 스텝 학습*은 세 단계를 함께 100번 실행합니다. 모델은 여러분의 브라우저 세션에만 있고, **초기화**는 시드로 모델을 다시 만들므로 같은 시드와 같은 클릭은 같은 결과를 냅니다.""",
    },
    "mode_collapse": {
        "en": r"""### Preset: mode collapse — plain GAN vs WGAN-GP
Same networks, **same initial weights** (same seed, 256-d $z$ as in Metz et al.'s ring experiment), same batches; only the objective and its optimiser settings differ. Plain GAN: BCE, Adam 5e-4. WGAN-GP: the Wasserstein loss with gradient penalty ($\lambda = 0.1$, the WGAN-GP authors' value for toy data; $n_\text{critic} = 5$), Adam 1e-3 with $\beta = (0, 0.9)$ — its generator moves only every fifth step, so it takes larger ones.

**Watch for**: the plain GAN's points gather into one tight blob that jumps from mode to mode — `modes` stays at 0–1. WGAN-GP's points spread over the whole ring and `modes` climbs to most of the 8. The critic's gradient keeps pointing toward *all* the real data, while the BCE discriminator only says "not here".""",
        "ko": r"""### 프리셋: 모드 붕괴 — 일반 GAN 대 WGAN-GP
같은 신경망, **같은 초기 가중치** (같은 시드, Metz 등의 고리 실험처럼 256차원 $z$), 같은 배치. 다른 것은 목적 함수와 그에 맞는 최적화 설정뿐입니다. 일반 GAN: BCE, Adam 5e-4. WGAN-GP: 기울기 페널티가 있는 바서슈타인 손실 ($\lambda = 0.1$, WGAN-GP 저자들이 토이 데이터에 쓴 값; $n_\text{critic} = 5$), Adam 1e-3, $\beta = (0, 0.9)$ — 생성자가 다섯 스텝에 한 번만 움직이므로 보폭을 더 크게 합니다.

**볼 것**: 일반 GAN의 점들은 작은 덩어리 하나로 모여 모드에서 모드로 뛰어다니고, `modes` 는 0–1에 머뭅니다. WGAN-GP의 점들은 고리 전체로 퍼지고 `modes` 가 8개 중 대부분까지 올라갑니다. 비평자의 기울기는 계속 *모든* 진짜 데이터를 가리키지만, BCE 판별자는 "여기는 아니다"라고만 말하기 때문입니다.""",
    },
    "strong_d": {
        "en": r"""### Preset: discriminator too strong
The course's MLP GAN on MNIST twice, same seed; the right-hand run trains $D$ **5 times per G step** ($k = 5$ in Goodfellow et al.'s Algorithm 1; they used $k = 1$).

**Watch for**: on the right, $D(x) \to 1$ and $D(G(z)) \to 0$ quickly and stay there; the G loss climbs high. With $D$ so sure, $\log(1 - D(G(z)))$ is flat and $G$ learns slowly — the grid stays grey noise while the balanced run already draws strokes. `judge_fid_1k` (lower is better) tells the same story.""",
        "ko": r"""### 프리셋: 판별자가 너무 강할 때
같은 시드로 MNIST에서 강의의 MLP GAN을 두 번 학습합니다. 오른쪽은 **G 한 번에 D를 5번** 학습합니다 (Goodfellow 등의 알고리즘 1의 $k = 5$; 논문은 $k = 1$).

**볼 것**: 오른쪽에서는 $D(x) \to 1$, $D(G(z)) \to 0$ 이 빨리 되어 그대로 유지되며, G 손실이 높이 올라갑니다. $D$ 가 이렇게 확신하면 $\log(1 - D(G(z)))$ 가 평평해져 $G$ 는 느리게 배웁니다. 균형 잡힌 쪽이 이미 획을 그리는 동안 오른쪽 격자는 회색 잡음으로 남습니다. `judge_fid_1k`(낮을수록 좋음)도 같은 결과를 보여 줍니다.""",
    },
    "high_lr": {
        "en": r"""### Preset: learning rate too high
The course's MLP GAN on MNIST twice, same seed: Adam 2e-4 (the usual GAN setting) against 1e-2, fifty times larger.

**Watch for**: with the large steps each player overshoots the other's last move. The losses jump around instead of settling, $D(x)$ and $D(G(z))$ swing, and $G$ often falls into one pattern that it repeats for every $z$ (every tile alike) — a collapse caused by the optimiser, not the objective. `judge_fid_1k` stays high. The class chart under each grid shows the collapse: the judge files the fast side's 1,000 samples under two or three classes (`classes_1k` about 2-3, against about 6-7 at 2e-4 after the same 400 steps).""",
        "ko": r"""### 프리셋: 학습률이 너무 높을 때
같은 시드로 MNIST에서 강의의 MLP GAN을 두 번 학습합니다. Adam 2e-4 (보통의 GAN 설정) 대 50배 큰 1e-2.

**볼 것**: 보폭이 크면 각 선수가 상대의 마지막 수를 지나쳐 버립니다. 손실은 안정되지 않고 뛰어다니며, $D(x)$ 와 $D(G(z))$ 가 크게 흔들리고, $G$ 는 모든 $z$ 에 같은 무늬를 그리는 (모든 칸이 같은) 상태에 빠지기 쉽습니다. 목적 함수가 아니라 최적화 때문에 생긴 붕괴입니다. `judge_fid_1k` 는 높게 남습니다. 각 격자 아래의 클래스 막대가 붕괴를 보여 줍니다: 판정 분류기는 학습률이 높은 쪽의 샘플 1,000개를 두세 클래스로만 분류합니다 (같은 400 스텝 뒤 `classes_1k` 가 약 2-3, 2e-4 쪽은 약 6-7).""",
    },
    "cgan_vs_gan": {
        "en": r"""### Preset: cGAN vs GAN
The same DCGAN networks (narrowed to 16 channels for the CPU), the same seed, the Train tab's Adam 1e-3; the right-hand run also gets the label $y$ (a cGAN: $G(z \mid y)$, $D(x \mid y)$).

**Watch for**: on the left the grid is 8 × 8 random digits, and nothing lets us ask for a "7". On the right the grid is 10 rows, one per class: as training goes, row $i$ takes the shape of class $i$ and `class_acc` climbs from chance (0.1); after the 600 steps a classifier reads the asked-for digit in about 7 of 10 samples (measured: 0.69). The strokes are still rough; the pretrained model in the **Conditional** tab shows where it ends. Same cost, one extra input, and the generator becomes controllable.""",
        "ko": r"""### 프리셋: cGAN 대 GAN
같은 DCGAN 신경망 (CPU를 위해 16채널로 좁힘), 같은 시드, 학습 탭의 Adam 1e-3. 오른쪽은 레이블 $y$ 도 받습니다 (cGAN: $G(z \mid y)$, $D(x \mid y)$).

**볼 것**: 왼쪽 격자는 무작위 숫자 8 × 8이고, "7"을 달라고 할 방법이 없습니다. 오른쪽 격자는 클래스마다 한 행씩 10행입니다. 학습이 진행되면서 $i$ 번째 행이 클래스 $i$ 의 모양을 갖추고 `class_acc` 가 우연 수준(0.1)에서 올라갑니다. 600 스텝 뒤에는 분류기가 샘플 10개 중 약 7개에서 요청한 숫자를 읽습니다 (측정값: 0.69). 획은 아직 거칠고, 끝까지 학습한 모습은 **조건부 생성** 탭의 사전 학습 모델에서 볼 수 있습니다. 비용은 같고 입력 하나가 늘었을 뿐인데 생성자를 조종할 수 있게 됩니다.""",
    },
    "control": {
        "en": r"""### Controllable generation: move z to change one feature
**Conditional vs controllable.** A cGAN is *told* the class while it trains: $G(z \mid y)$. Controllable generation takes a GAN trained *without* labels and steers it afterwards: find a direction in $z$ along which one feature $s$ of the image grows, and move along it.

**The classifier's gradient.** With a classifier (here the judge) scoring the feature, the direction is the gradient of its score through the generator, and each step is
$$z \leftarrow z + \eta\, \frac{\nabla_z\, s(G(z))}{\lVert \nabla_z\, s(G(z)) \rVert}, \qquad \text{then back onto the sphere } \lVert z \rVert = \lVert z_0 \rVert$$
For a class $s$ is the log-probability $\log p(k \mid G(z))$; for *thickness* the mean ink; for *slant* the shear moment $\mu_{11} / \mu_{02}$ of the ink. Staying on the sphere keeps $z$ where $G$ saw its training inputs. The local gradient alone gets stuck on a rugged surface, so each step also follows the *average* gradient over all of $z$, which for Gaussian $z$ is $\mathbb E[\nabla_z s] = \mathbb E[z\, s]$ (Stein's lemma), computed once from 2,000 samples.

**Entanglement.** The features are not separate axes of $z$: pushing *thickness* also changes the digit the judge reads — watch the orange bars. **The remedy** (tick *Keep the other features*): remove from the direction its components along the other features' directions, and subtract a penalty on their change,
$$\max_z\; s_f(G(z)) - \lambda \sum_{j \ne f} \big(s_j(G(z)) - s_j(G(z_0))\big)^2$$
**Disentangled by design.** The shipped mnist-dcgan has an InfoGAN code: the first 10 entries of $z$ choose a category, and each category draws one digit (see the Latent tab's *Code categories*). Steering toward a digit moves that code: the strip jumps from one digit to another where the category changes, while the rest of $z$ keeps the style.""",
        "ko": r"""### 제어 가능한 생성: z를 움직여 특징 하나를 바꾸기
**조건부 대 제어 가능.** cGAN은 학습할 때 클래스를 *입력으로 받습니다*: $G(z \mid y)$. 제어 가능한 생성은 레이블 *없이* 학습한 GAN을 나중에 조종합니다. 이미지의 특징 $s$ 하나가 커지는 $z$ 의 방향을 찾아 그쪽으로 움직입니다.

**분류기의 기울기.** 특징에 점수를 매기는 분류기(여기서는 판정 분류기)가 있으면, 방향은 생성자를 거친 그 점수의 기울기이고 한 걸음은
$$z \leftarrow z + \eta\, \frac{\nabla_z\, s(G(z))}{\lVert \nabla_z\, s(G(z)) \rVert}, \qquad \text{그다음 구 } \lVert z \rVert = \lVert z_0 \rVert \text{ 위로 되돌림}$$
입니다. 클래스의 $s$ 는 로그 확률 $\log p(k \mid G(z))$, *굵기*는 평균 잉크, *기울기*는 잉크의 전단 모멘트 $\mu_{11} / \mu_{02}$ 입니다. 구 위에 머물러야 $z$ 가 $G$ 가 학습 때 본 입력들 가까이에 있습니다. 국소 기울기만으로는 울퉁불퉁한 면에서 막히기 때문에, 매 걸음은 $z$ 전체에 대한 *평균* 기울기도 따라갑니다. 가우시안 $z$ 에서는 $\mathbb E[\nabla_z s] = \mathbb E[z\, s]$ (스타인 보조정리)이고, 샘플 2,000개로 한 번 계산합니다.

**얽힘.** 특징들은 $z$ 의 서로 다른 축이 아닙니다. *굵기*를 밀면 판정 분류기가 읽는 숫자도 바뀝니다 — 주황 막대를 보세요. **해결책** (*다른 특징 유지*를 켜기): 방향에서 다른 특징들의 방향 성분을 빼고, 그 특징들의 변화에 페널티를 줍니다.
$$\max_z\; s_f(G(z)) - \lambda \sum_{j \ne f} \big(s_j(G(z)) - s_j(G(z_0))\big)^2$$
**설계부터 분리된 표현.** 함께 제공되는 mnist-dcgan에는 InfoGAN 코드가 있습니다: $z$ 의 처음 10개 값이 범주를 고르고, 범주마다 숫자 하나를 그립니다 (잠재 공간 탭의 *코드 범주* 참고). 숫자 쪽으로 조종하면 이 코드가 움직입니다. 범주가 바뀌는 곳에서 띠의 숫자가 다른 숫자로 건너뛰고, 나머지 $z$ 는 글씨체를 유지합니다.""",
    },
    "pixelcnn": {
        "en": r"""### PixelCNN (pixelcnn): an explicit, tractable density
**What it is.** A GAN defines its density only *implicitly*: it can draw samples, but it cannot say how probable an image is. A PixelCNN writes the density down. Put the 784 pixels in raster order (rows top to bottom, each row left to right) and use the chain rule:
$$p(x) = \prod_{i=1}^{784} p(x_i \mid x_1, \dots, x_{i-1})$$
Each factor is a Bernoulli (the pixels are binary here: each image is binarized by drawing every pixel with its intensity as the probability), and one network gives all 784 logits in one pass.

**Masked convolutions.** The feature at pixel $i$ must not see $x_i$ or any later pixel, so the kernel is masked: zero below its centre row and right of its centre. **Mask A** (the first layer) also hides the centre, the pixel being predicted; **mask B** (every later layer) shows it, since that feature already depends on earlier pixels only.

**The blind spot and the gated stacks.** Stacked masked 3 × 3 kernels leave a *blind spot*: pixels above and to the right of the current one that no path reaches. The **gated PixelCNN** (van den Oord et al. 2016) splits the network into a *vertical stack* (every row above, the full width) and a *horizontal stack* (the current row, to the left), linked vertical → horizontal, with gated units $\tanh(W_f * h) \odot \sigma(W_g * h)$: no blind spot. The blue area in *Draw pixel by pixel* is this network's real receptive field; *Blind spot* puts the plain stack's beside it, the blind spot in amber.

**Training: maximum likelihood.** Minimise the negative log-likelihood, a sum of binary cross-entropies over the pixels:
$$-\log p(x) = -\sum_{i}\big[x_i \log \hat p_i + (1 - x_i)\log(1 - \hat p_i)\big]$$
in **nats** per image, or in **bits per dimension**, $-\log p(x) / (784 \ln 2)$. A coin flip per pixel gives $784 \ln 2 \approx 543$ nats = 1 bit/dim; the PixelCNN paper reached 81.3 nats on binarized MNIST.

**Exact likelihood, slow sampling.** Scoring an image is one forward pass (all its pixels are known). Sampling is sequential: pixel $i$ needs $x_1, \dots, x_{i-1}$ first, so a digit takes 784 steps. Here all samples are drawn together and each step computes only what changed (the vertical stack once per row, the horizontal stack at one pixel).

**Watch for**: in *Complete a digit* the same top half gets different bottoms (the model is a distribution, not a function). In *Compare likelihoods* the digit shifted by 2 px scores about as well as the original (the network is convolutional: it judges strokes wherever they are), while the digit with 10 % of its pixels flipped, still plainly the same digit to us, costs hundreds of nats: a likelihood measures pixels, not what we see.""",
        "ko": r"""### PixelCNN (pixelcnn): 명시적이고 계산 가능한 밀도
**무엇인가.** GAN은 밀도를 *암묵적으로만* 정의합니다. 샘플은 그릴 수 있지만 어떤 이미지가 얼마나 그럴듯한지는 말하지 못합니다. PixelCNN은 밀도를 직접 씁니다. 784개 픽셀을 래스터 순서 (위 행부터 아래로, 각 행은 왼쪽에서 오른쪽으로) 로 놓고 연쇄 법칙을 씁니다:
$$p(x) = \prod_{i=1}^{784} p(x_i \mid x_1, \dots, x_{i-1})$$
각 인수는 베르누이 분포이고 (여기서 픽셀은 이진값: 각 픽셀을 그 밝기를 확률로 뽑아 이미지를 이진화함), 신경망 하나가 한 번의 계산으로 784개의 로짓을 모두 냅니다.

**마스크 합성곱.** 픽셀 $i$ 의 특징은 $x_i$ 나 그 뒤의 픽셀을 보면 안 되므로 커널을 가립니다: 가운데 행의 아래와 가운데의 오른쪽을 0으로. **마스크 A** (첫 층) 는 가운데, 곧 예측할 픽셀도 가리고, **마스크 B** (그 뒤의 모든 층) 는 가운데를 보여 줍니다. 그 특징은 이미 앞선 픽셀에만 의존하기 때문입니다.

**맹점과 게이트 스택.** 마스크된 3 × 3 커널을 쌓으면 *맹점*이 남습니다. 현재 픽셀의 오른쪽 위에 어떤 경로로도 닿지 않는 픽셀들입니다. **게이트 PixelCNN** (van den Oord 등 2016) 은 신경망을 *수직 스택* (위쪽의 모든 행, 전체 폭) 과 *수평 스택* (현재 행의 왼쪽) 으로 나누고, 수직 → 수평으로 연결하며, 게이트 유닛 $\tanh(W_f * h) \odot \sigma(W_g * h)$ 를 씁니다: 맹점이 없습니다. *픽셀 단위로 그리기*의 파란 영역이 이 신경망의 실제 수용 영역입니다. *맹점* 탭은 그 옆에 기본 스택의 수용 영역을 놓고 맹점을 주황색으로 보여 줍니다.

**학습: 최대 가능도.** 음의 로그 가능도, 곧 픽셀별 이진 교차 엔트로피의 합을 최소화합니다:
$$-\log p(x) = -\sum_{i}\big[x_i \log \hat p_i + (1 - x_i)\log(1 - \hat p_i)\big]$$
단위는 이미지당 **nats**, 또는 **차원당 비트** $-\log p(x) / (784 \ln 2)$ 입니다. 픽셀마다 동전을 던지면 $784 \ln 2 \approx 543$ nats = 1 비트/차원이고, PixelCNN 논문은 이진화 MNIST에서 81.3 nats에 도달했습니다.

**정확한 가능도, 느린 샘플링.** 이미지의 점수 매기기는 순전파 한 번입니다 (모든 픽셀을 알고 있으므로). 샘플링은 순차적입니다. 픽셀 $i$ 를 뽑으려면 먼저 $x_1, \dots, x_{i-1}$ 이 있어야 하므로 숫자 하나에 784 단계가 걸립니다. 여기서는 모든 샘플을 함께 뽑고, 각 단계에서 바뀐 부분만 계산합니다 (수직 스택은 행마다 한 번, 수평 스택은 픽셀 하나에서).

**볼 것**: *숫자 완성하기*에서 같은 위쪽 절반에 서로 다른 아래쪽이 붙습니다 (모델은 함수가 아니라 분포입니다). *가능도 비교*에서 2 px 옮긴 숫자는 원래 숫자와 거의 같은 점수를 받습니다 (신경망이 합성곱이라 획이 어디에 있든 같은 방식으로 판단함). 반면 픽셀 10 %를 뒤집은 숫자는 우리 눈에는 여전히 같은 숫자인데도 수백 nats를 잃습니다. 가능도는 우리가 보는 것이 아니라 픽셀을 잽니다.""",
    },
}

# The family whose lesson a tab shows.
TAB_TOPICS = {"latent": "latent", "conditional": "cgan", "sketch": "pix2pix", "horse": "cyclegan", "lab": "lab",
              "control": "control", "pixelcnn": "pixelcnn"}


def lesson(topic: str, lang: str = "en") -> str:
    """The Markdown for ``topic`` (a family, a tab topic or a preset) in ``lang`` ("en" or "ko")."""
    if topic not in LESSONS:
        raise KeyError(f"no lesson for {topic!r}; known: {', '.join(LESSONS)}")
    if lang not in LANGS:
        raise KeyError(f"no lessons in {lang!r}; known: {', '.join(LANGS)}")
    return LESSONS[topic][lang]


assert all(set(v) == set(LANGS) for v in LESSONS.values())
