"""Batch vetting gives, cell for cell, the verdict a single `vet()` call gives."""

from __future__ import annotations

from datetime import date

import numpy as np

from dronevet.knowledge.model import Use
from dronevet.policy.batch import (
    CODES,
    epochs,
    in_force,
    knowledge_dates,
    policy_dates,
    vet_batch,
)
from dronevet.policy.evaluate import vet
from dronevet.policy.model import VerdictKind
from policy.policy_fixtures import book, kb

DATES = (
    date(2019, 12, 19),
    date(2023, 12, 22),
    date(2025, 12, 21),
    date(2025, 12, 22),
    date(2026, 1, 7),
    date(2027, 3, 1),
    date(2027, 3, 2),
    date(2028, 12, 22),
)


def test_batch_grid_equals_single_verdicts_for_every_cell():
    base = kb()
    products = [base.products[p] for p in sorted(base.products)]
    policies = list(book())
    uses = tuple(Use)
    grid = vet_batch(base, products, policies, uses, DATES)
    assert grid.codes.shape == (len(products), len(policies), len(uses), len(DATES))
    for i, product in enumerate(products):
        for j, policy in enumerate(policies):
            for k, use in enumerate(uses):
                for m, day in enumerate(DATES):
                    single = vet(base, product, policy, use, day).verdict
                    assert grid.verdict(i, j, k, m) is single, (product.id, policy.id, use, day)


def test_batch_explains_a_cell_with_the_same_verdict():
    base = kb()
    m30t = base.products["dji-matrice-30t"]
    asda = book().get("us-asda-2023")
    grid = vet_batch(base, [m30t], [asda], (Use.operate,), (date(2025, 12, 21), date(2025, 12, 22)))
    assert [grid.verdict(0, 0, 0, m) for m in range(2)] == [
        VerdictKind.not_applicable,
        VerdictKind.prohibited,
    ]
    assert grid.explain(0, 0, 0, 0).verdict is VerdictKind.not_applicable
    assert grid.explain(0, 0, 0, 1).verdict is VerdictKind.prohibited
    assert sum(grid.counts().values()) == 2


def test_dates_between_the_same_boundaries_share_an_epoch_and_others_do_not():
    base = kb()
    asda = book().get("us-asda-2023")
    m30t = base.products["dji-matrice-30t"]
    found = epochs(knowledge_dates(base, m30t) | policy_dates(asda), DATES).tolist()
    assert found[5] == found[6]  # 2027-03-01 and 2027-03-02: nothing starts or ends between
    assert found[2] != found[3]  # ASDA's operating ban starts on 2025-12-22


def test_dji_entity_list_date_is_a_boundary_for_dji_products_only():
    base = kb()
    listed = date(2020, 12, 18)  # BIS Entity List, 85 FR 83416
    assert listed in knowledge_dates(base, base.products["dji-matrice-30t"])
    assert listed not in knowledge_dates(base, base.products["skydio-x10d"])


def test_in_force_mask_follows_start_and_sunset():
    asda = book().get("us-asda-2023")
    days = (date(2023, 12, 21), date(2023, 12, 22), date(2028, 12, 21), date(2028, 12, 22))
    mask = in_force([asda], (Use.procure, Use.authorize), days)
    assert mask[0, 0].tolist() == [False, True, True, False]
    assert not mask[0, 1].any()


def test_codes_order_is_permitted_review_prohibited_not_applicable():
    order = (VerdictKind.permitted, VerdictKind.review, VerdictKind.prohibited)
    assert (*order, VerdictKind.not_applicable) == CODES
    assert np.int8(0) == CODES.index(VerdictKind.permitted)
