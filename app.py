"""GAN Studio on Hugging Face Spaces (or locally: ``python app.py``, then open http://127.0.0.1:7860)."""
from genapp.ui import build_app

demo = build_app()

if __name__ == "__main__":
    demo.launch()
