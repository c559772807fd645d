from django.db import models

from phonegen.numbering.line_types import LineType


class LineTypeChoices(models.TextChoices):
    MOBILE = LineType.MOBILE.value, "Mobile"
    LANDLINE = LineType.LANDLINE.value, "Landline"
    VOIP = LineType.VOIP.value, "VoIP"
    TOLL_FREE = LineType.TOLL_FREE.value, "Toll-free"
    PREMIUM = LineType.PREMIUM.value, "Premium"
    PERSONAL = LineType.PERSONAL.value, "Personal"
    PAGER = LineType.PAGER.value, "Pager"
    UNKNOWN = LineType.UNKNOWN.value, "Unknown"


class PhonePrefix(models.Model):
    """An NPA-NXX (6 digits) or NPA-NXX-X thousands block (7 digits) and who holds it."""

    prefix = models.CharField(max_length=7, unique=True)
    npa = models.CharField(max_length=3)
    nxx = models.CharField(max_length=3)
    block = models.CharField(max_length=1, blank=True, null=True)
    carrier = models.CharField(max_length=200, blank=True, default="")
    brand = models.CharField(max_length=100, blank=True, default="")
    ocn = models.CharField(max_length=8, blank=True, default="")
    ocn_category = models.CharField(max_length=20, blank=True, default="")
    line_type = models.CharField(
        max_length=16, choices=LineTypeChoices.choices, default=LineTypeChoices.UNKNOWN
    )
    city = models.CharField(max_length=100, blank=True, default="")
    # NANPA's rate centre (abbreviated, e.g. JERSEYCITY): kept apart from the
    # city so that a readable city name is never replaced by it.
    rate_center = models.CharField(max_length=50, blank=True, default="")
    state = models.CharField(max_length=2, blank=True, default="")
    country = models.CharField(max_length=2, blank=True, default="")
    source = models.CharField(max_length=40, blank=True, default="")
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["npa", "nxx"], name="prefix_npa_nxx_idx")]
        ordering = ["prefix"]

    def __str__(self) -> str:
        return f"{self.prefix} {self.brand or self.carrier} ({self.line_type})"
