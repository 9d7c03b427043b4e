"""What the judge sees in each category of a latent code (genapp.metrics.categories)."""
from __future__ import annotations

import pytest
import torch

from genapp.metrics.categories import category_names, category_purity
from genapp.models import build_model

from .digits import real_test_images


def test_category_purity_counts_each_categorys_most_common_class():
    logits = torch.nn.functional.one_hot(torch.tensor([3, 3, 5, 7, 7, 7]), 10).float()
    out = category_purity(torch.tensor([0, 0, 0, 1, 1, 2]), logits, codes=4)
    assert out == {"purity": round(5 / 6, 4), "classes": {0: 3, 1: 7, 2: 7}, "covered": 2}  # category 3 drew nothing
    perfect = category_purity(torch.arange(10).repeat(3), torch.eye(10).repeat(3, 1), codes=10)
    assert perfect["purity"] == 1.0 and perfect["covered"] == 10


def test_category_names_read_each_categorys_class_and_share(tiny_judge, monkeypatch):
    model = build_model("dcgan", "mnist", ngf=8, ndf=8, codes=10)
    order = [3, 7, 0, 1, 9, 2, 8, 5, 4, 6]  # category i draws real test digits of class order[i]
    half_ones = real_test_images(20, label=1)  # ...except category 9: half "6", half "1"

    def every_category(seed=0, per_category=8):
        rows = [real_test_images(per_category, label=c) for c in order[:-1]]
        rows.append(torch.cat([real_test_images(per_category // 2, label=6), half_ones[:per_category // 2]]))
        return torch.cat(rows)

    monkeypatch.setattr(model, "every_category", every_category)
    names = category_names(model, per_category=40, judge=tiny_judge)
    assert [n["class"] for n in names[:-1]] == [str(c) for c in order[:-1]]
    assert all(n["share"] > 0.6 for n in names[:-1])
    assert names[-1]["share"] <= 0.6 and names[-1]["class"] in ("6", "1")  # a mixed category says so
    with pytest.raises(ValueError, match="no categorical code"):
        category_names(build_model("dcgan", "mnist", ngf=8, ndf=8), judge=tiny_judge)
