"""Small, checked patches of Gradio internals that the app needs under load (each says why)."""
