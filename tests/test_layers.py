"""Network layers (genapp/models/layers.py): the DCGAN generator's fast first and last layers equal
the plain layer stack, and resize upsampling has no checkerboard."""
from __future__ import annotations

import pytest
import torch


def test_dcgan_generator_first_layer_as_a_matrix_product_matches_the_layer():
    """G computes its first ConvTranspose2d (1x1 code -> base x base map) as a matrix product and
    its image layer as a convolution + pixel shuffle: the same output and the same gradients as
    the layer stack itself, at 28 and 32 px, to 1 and 3 channels."""
    from genapp.models.layers import DCGANGenerator

    for size, channels in ((28, 1), (32, 3)):
        torch.manual_seed(0)
        g = DCGANGenerator(16, channels, size, ngf=8).double()  # float64: rounding differences stay tiny
        z = torch.randn(5, 16, dtype=torch.float64)
        ours = g(z)
        plain = g.net(z.view(5, 16, 1, 1))  # the layer stack as nn.Sequential runs it
        assert ours.shape == (5, channels, size, size)
        assert torch.allclose(ours, plain, atol=1e-10)
        for param in (g.net[0].weight, g.net[-2].weight, g.net[-2].bias):
            grad_ours = torch.autograd.grad(ours.square().sum(), param, retain_graph=True)[0]
            grad_plain = torch.autograd.grad(plain.square().sum(), param, retain_graph=True)[0]
            assert torch.allclose(grad_ours, grad_plain, rtol=1e-8, atol=1e-8)
    assert set(g.state_dict()) == set(g.net.state_dict(prefix="net."))  # checkpoints keep their names


def test_conv_transpose_as_pixel_shuffle_is_the_transposed_convolution():
    """Any ConvTranspose2d(4, 2, 1), with or without bias, on non-square inputs: same output and
    same input gradient as the layer itself."""
    from genapp.models.layers import conv_transpose_as_pixel_shuffle

    torch.manual_seed(1)
    for c_in, c_out, bias, h, w in ((6, 1, True, 5, 7), (4, 5, False, 3, 3), (3, 2, True, 1, 4)):
        layer = torch.nn.ConvTranspose2d(c_in, c_out, 4, 2, 1, bias=bias).double()
        x = torch.randn(2, c_in, h, w, dtype=torch.float64, requires_grad=True)
        ours, plain = conv_transpose_as_pixel_shuffle(layer, x), layer(x)
        assert ours.shape == plain.shape == (2, c_out, 2 * h, 2 * w)
        assert torch.allclose(ours, plain, atol=1e-12)
        g_ours = torch.autograd.grad(ours.sin().sum(), x)[0]
        g_plain = torch.autograd.grad(plain.sin().sum(), x)[0]
        assert torch.allclose(g_ours, g_plain, atol=1e-12)
    for other in (torch.nn.ConvTranspose2d(2, 1, 4, 2, 0), torch.nn.ConvTranspose2d(2, 1, 3, 2, 1),
                  torch.nn.ConvTranspose2d(2, 2, 4, 2, 1, groups=2)):  # anything else: refused, not wrong
        with pytest.raises(ValueError, match="kernel 4, stride 2"):
            conv_transpose_as_pixel_shuffle(other, torch.randn(1, 2, 3, 3))


def test_resize_upsampling_has_no_checkerboard_and_deconv_does():
    from genapp.models.layers import ResnetGenerator, _upsampling

    torch.manual_seed(0)
    flat = torch.ones(1, 4, 8, 8)   # a flat picture: any pattern in the output is the layer's own
    for how, checkered in (("deconv", True), ("resize", False)):
        layer = _upsampling(4, 2, how)
        with torch.no_grad():
            for m in layer.modules():
                if isinstance(m, (torch.nn.Conv2d, torch.nn.ConvTranspose2d)):
                    m.weight.uniform_(0.5, 1.0)
                    m.bias.zero_()
            out = layer(flat)[0, :, 2:-2, 2:-2]   # away from the borders
        assert out.shape[-1] == 12
        even, odd = out[:, 0::2, 0::2], out[:, 1::2, 1::2]
        assert (not torch.allclose(even, odd, rtol=1e-3)) == checkered, how
    gen = ResnetGenerator(3, 3, ngf=8, n_blocks=1, upsample="resize")
    assert not any(isinstance(m, torch.nn.ConvTranspose2d) for m in gen.modules())
    assert gen(torch.rand(1, 3, 32, 32)).shape == (1, 3, 32, 32)
    with pytest.raises(ValueError, match="upsample must be one of"):
        ResnetGenerator(3, 3, ngf=8, n_blocks=1, upsample="bicubic")

