"""Renderers: plain rows in, text out. No renderer computes a figure."""
