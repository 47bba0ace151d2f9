"""Seeing the screen: image matching (OpenCV) and text on screen (Tesseract), shared by backends and the AI family."""
