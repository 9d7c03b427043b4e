"""Copy a run folder into the repository without its optimizer state: fp16 weights, config,
metrics, status, and a training_state.json with only the step (a resume then
starts a fresh optimizer at that step)."""
import json, shutil, sys
from pathlib import Path
from safetensors.torch import load_file, save_file

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from genapp.publish import _fp16  # noqa: E402  (the shipped models' fp16 storage)

if len(sys.argv) != 3 or not (Path(sys.argv[1]) / "training_state.json").is_file():
    sys.exit("usage: python runs_kept/keep.py RUN_DIR OUT_DIR  (RUN_DIR: a run folder with a checkpoint)")
run, out = Path(sys.argv[1]), Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
t = load_file(str(run / "model.safetensors"))
save_file(_fp16(t), str(out / "model.safetensors"), metadata={"format": "pt"})
for f in ("config.json", "metrics.jsonl", "status.json"):
    if (run / f).exists():
        shutil.copy(run / f, out / f)
state = json.loads((run / "training_state.json").read_text())
(out / "training_state.json").write_text(json.dumps({"step": state["step"], "optimizers": {}, "extra": state.get("extra", {})}))
print(state["step"], sum(p.stat().st_size for p in out.rglob("*") if p.is_file()))
