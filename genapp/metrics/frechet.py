"""The Frechet distance between Gaussians fitted to two sets of features (Heusel et al. 2017).

Pure tensor arithmetic in float64, with no network: the judges give the features
(:mod:`genapp.metrics.image_quality`).
"""
from __future__ import annotations

import torch


def feature_stats(feats: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean and (unbiased) covariance of features (N, D), in float64."""
    f = feats.detach().to(torch.float64).cpu()
    if f.dim() != 2 or f.size(0) < 2:
        raise ValueError("Need at least two feature vectors (N, D) to fit a Gaussian.")
    mean = f.mean(0)
    centered = f - mean
    return mean, centered.T @ centered / (f.size(0) - 1)


def _sqrt_psd(m: torch.Tensor) -> torch.Tensor:
    """Square root of a symmetric positive semi-definite matrix (tiny negative eigenvalues -> 0)."""
    vals, vecs = torch.linalg.eigh((m + m.T) / 2)
    return (vecs * vals.clamp(min=0).sqrt()) @ vecs.T


def frechet_distance_from_stats(mean_a, cov_a, mean_b, cov_b) -> float:
    """||mu_a - mu_b||^2 + tr(S_a) + tr(S_b) - 2 tr((S_a S_b)^1/2).

    S_a S_b is not symmetric, so its square root is awkward (scipy's sqrtm can return complex
    noise). Instead: with R = S_a^1/2, the matrix R S_b R is symmetric PSD and has the same
    eigenvalues as S_a S_b, so tr((S_a S_b)^1/2) = sum of sqrt(eigenvalues of R S_b R).
    """
    mean_a, mean_b = mean_a.to(torch.float64), mean_b.to(torch.float64)
    cov_a, cov_b = cov_a.to(torch.float64), cov_b.to(torch.float64)
    root_a = _sqrt_psd(cov_a)
    middle = root_a @ cov_b @ root_a
    tr_sqrt = torch.linalg.eigvalsh((middle + middle.T) / 2).clamp(min=0).sqrt().sum()
    d = (mean_a - mean_b).pow(2).sum() + cov_a.trace() + cov_b.trace() - 2 * tr_sqrt
    return max(float(d), 0.0)  # rounding can leave -1e-12 for identical sets


def frechet_distance(feats_a: torch.Tensor, feats_b: torch.Tensor) -> float:
    """Frechet distance between Gaussians fitted to two sets of features (N, D) and (M, D)."""
    return frechet_distance_from_stats(*feature_stats(feats_a), *feature_stats(feats_b))
