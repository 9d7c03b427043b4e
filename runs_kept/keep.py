"""Copy a run folder into the repository without its optimizer state: fp16 weights, config,
metrics, status, the latest sample, and a training_state.json with only the step (a resume then
starts a fresh optimizer at that step)."""
import json, shutil, sys
from pathlib import Path
from safetensors.torch import load_file, save_file

run, out = Path(sys.argv[1]), Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
t = load_file(str(run / "model.safetensors"))
save_file({k: (v.half() if v.is_floating_point() else v).contiguous() for k, v in t.items()}, str(out / "model.safetensors"), metadata={"format": "pt"})
for f in ("config.json", "metrics.jsonl", "status.json"):
    if (run / f).exists():
        shutil.copy(run / f, out / f)
state = json.loads((run / "training_state.json").read_text())
(out / "training_state.json").write_text(json.dumps({"step": state["step"], "optimizers": {}, "extra": state.get("extra", {})}))
samples = sorted((run / "samples").glob("step_*.png"))
if samples:
    (out / "samples").mkdir(exist_ok=True)
    shutil.copy(samples[-1], out / "samples" / samples[-1].name)
print(state["step"], sum(p.stat().st_size for p in out.rglob("*") if p.is_file()))
