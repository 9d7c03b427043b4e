"""Shoe outlines (genapp/outlines.py): closed one-pixel boundaries of the shoe in a photo."""
from __future__ import annotations

import torch


def test_outlines_are_closed_one_pixel_boundaries_of_the_shoe():
    from genapp.outlines import outlines, silhouettes

    # a dark "shoe" (an ellipse with a white hole, like a shoe's opening) on a white page, and a
    # second one cut by the frame's bottom edge; the edge maps hold only part of the contour
    yy, xx = torch.meshgrid(torch.arange(256.0), torch.arange(256.0), indexing="ij")
    inside = ((xx - 128) / 100) ** 2 + ((yy - 140) / 60) ** 2 <= 1
    hole = ((xx - 150) / 30) ** 2 + ((yy - 120) / 15) ** 2 <= 1
    cut = ((xx - 128) / 90) ** 2 + ((yy - 250) / 50) ** 2 <= 1
    photos = torch.full((2, 3, 256, 256), 255, dtype=torch.uint8)
    photos[0][:, inside & ~hole] = 60
    photos[1][:, cut] = 90
    edges = torch.full_like(photos, 255)
    photos_np, edges_np = photos.numpy(), edges.numpy()
    masks = torch.from_numpy(silhouettes(edges_np, photos_np))
    iou = (masks[0] & inside).sum() / (masks[0] | inside).sum()
    assert iou > 0.95                          # the hole is filled: the shape is the whole shoe
    line = torch.from_numpy(outlines(edges_np, photos_np))[:, 0] < 128
    assert line.shape == (2, 256, 256) and torch.from_numpy(outlines(edges_np, photos_np)).shape == (2, 3, 256, 256)
    # the outline runs along the ellipse: every line pixel within 3 px of it, and all the way round
    ring = (((xx - 128) / 100) ** 2 + ((yy - 140) / 60) ** 2 - 1).abs() < 0.1
    assert line[0][~ring].sum() == 0 and line[0].sum() > 2 * 3.14 * 80
    assert not line[0][120, 150] and not line[0][:, :20].any()   # nothing at the hole or off the shoe
    # the shape cut by the frame is closed along the frame (a drawing is a closed line)
    assert line[1][255, 60:196].all() and line[1][:190].sum() == 0

