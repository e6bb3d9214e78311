"""Administrative units, regions and VSIC: public reference data, readable by every signed-in persona.
Changing units (the change-file page) is for a national administrator only: everyone else gets 403."""

from __future__ import annotations

from tests.policy.model import SIGNED_IN, Check

LEGACY_BEN_TRE = "legacy:province:83"
NATIONAL_ADMIN = frozenset({"central_admin"})

CHECKS = [
    Check("geo:index", allowed=SIGNED_IN),
    Check("geo:industries", allowed=SIGNED_IN),
    Check("geo:unit", allowed=SIGNED_IN, args=lambda w: {"key": LEGACY_BEN_TRE}),
    Check("geo:changes", allowed=NATIONAL_ADMIN),
    Check("geo:changes", method="POST", allowed=NATIONAL_ADMIN, data=lambda w: {}),
    Check(
        "geo:changes_apply",
        method="POST",
        allowed=NATIONAL_ADMIN,
        data=lambda w: {"token": "gia-mao"},
        note="a forged token is refused with a message and a redirect back to the upload page",
    ),
    Check("/api/v1/geo/units", allowed=SIGNED_IN, data=lambda w: {"q": "Bến Tre", "current": "false"}),
    Check("/api/v1/geo/units/{unit_ref}", allowed=SIGNED_IN, args=lambda w: {"unit_ref": LEGACY_BEN_TRE}),
    Check("/api/v1/geo/resolve", allowed=SIGNED_IN, data=lambda w: {"q": "tỉnh Bến Tre"}),
    Check("/api/v1/geo/regions", allowed=SIGNED_IN),
    Check("/api/v1/geo/industry-codes", allowed=SIGNED_IN),
]
