"""The dashboard's forms. Field names are the API's, so that an error the API
answers for a field lands beside the field of the same name."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache

from phonegen.numbering.nanp import is_area_code
from phonegen.numbers.models import ImportOutcome, ValidationStatus
from phonegen.prefixes.models import LineTypeChoices

# Failed sign-ins allowed per username and client address within the window:
# enough for typos, too few for guessing. Counted per address too, so that
# someone else's failures cannot lock a user out of the dashboard.
SIGN_IN_FAILURES = 10
SIGN_IN_WINDOW = 300  # seconds

AREA_CODE_HELP = "Three digits, the first 2-9, e.g. 917."


def _area_code(value: str) -> None:
    if value and not is_area_code(value):
        raise forms.ValidationError(
            "Enter a valid area code: three digits, the first 2-9, "
            "not an N11 service code such as 911."
        )


class DescribedForm(forms.Form):
    """Each input points at its help text and its error message (which the
    page's script also fills with the API's words), for screen readers; the
    fields of ``noted_fields`` also at a note the script writes (rendered by
    ``_field.html`` with ``note=True``)."""

    noted_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.auto_id or "%s" not in str(self.auto_id):
            return
        for name, field in self.fields.items():
            field_id = str(self.auto_id) % self.add_prefix(name)
            described = [f"{field_id}_error"]
            if field.help_text:
                described.insert(0, f"{field_id}_helptext")
            if name in self.noted_fields:
                described.append(f"{field_id}_note")
            field.widget.attrs["aria-describedby"] = " ".join(described)


class SignInForm(DescribedForm, AuthenticationForm):
    """Username and password, refused for a while after repeated failures
    from the same address."""

    error_messages = AuthenticationForm.error_messages | {
        "throttled": (
            "Too many failed sign-ins for this user from here; wait a few minutes."
        ),
    }

    def clean(self):
        address = self.request.META.get("REMOTE_ADDR", "") if self.request else ""
        key = _failures_key(self.data.get("username", ""), address)
        if cache.get(key, 0) >= SIGN_IN_FAILURES:
            raise forms.ValidationError(
                self.error_messages["throttled"], code="throttled"
            )
        try:
            return super().clean()
        except forms.ValidationError:
            cache.add(key, 0, SIGN_IN_WINDOW)
            cache.incr(key)
            raise


def _failures_key(username: str, address: str) -> str:
    return f"dashboard-sign-in-failures:{address[:64]}:{username.strip().lower()[:150]}"


class ProjectForm(DescribedForm):
    name = forms.CharField(label="Project name", max_length=200, strip=True)


class GenerationForm(DescribedForm):
    """Rendered by the server, sent to the API by the page's script, which
    notes beside carrier and line type how each narrows the other."""

    noted_fields = ("carrier_filter", "type_filter")

    area_code = forms.CharField(
        label="Area code (NPA)",
        max_length=3,
        help_text=AREA_CODE_HELP,
        validators=[_area_code],
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "pattern": "[2-9][0-9]{2}", "size": 4}
        ),
    )
    quantity = forms.IntegerField(
        label="How many numbers",
        min_value=1,
        max_value=1_000_000,
        initial=1000,
        help_text="1 to 1,000,000.",
    )
    carrier_filter = forms.ChoiceField(
        label="Carrier",
        required=False,
        choices=[("", "Any carrier")],
        help_text="What the area code holds, with the numbers this project "
        "can still be given.",
    )
    type_filter = forms.ChoiceField(
        label="Line type",
        required=False,
        choices=[("", "Any line type")],
    )
    batch_size = forms.IntegerField(
        label="Batch size",
        min_value=100,
        max_value=10_000,
        initial=1000,
        help_text="Numbers per database transaction, 100 to 10,000.",
    )


class ImportForm(DescribedForm):
    file = forms.FileField(
        label="Phone list",
        help_text="CSV or plain text, one number a line; UTF-8 or Latin-1.",
    )
    column = forms.CharField(
        label="Phone column",
        required=False,
        max_length=100,
        help_text="A header name or position; found by itself when left empty.",
    )


class NumberFilterForm(DescribedForm):
    """The numbers table's filters: the export API takes the same names."""

    area_code = forms.CharField(
        label="Area code",
        required=False,
        # One message for every way an area code can be wrong: no max_length
        # validator beside it, only the input's own limit.
        validators=[_area_code],
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "size": 4, "maxlength": 3}
        ),
    )
    carrier = forms.ChoiceField(label="Carrier", required=False)
    line_type = forms.ChoiceField(
        label="Line type",
        required=False,
        choices=[("", "Any line type"), *LineTypeChoices.choices],
    )
    validation_status = forms.ChoiceField(
        label="Validation",
        required=False,
        choices=[("", "Any status"), *ValidationStatus.choices],
    )

    def __init__(self, *args, brands: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["carrier"].choices = [("", "Any carrier")] + [
            (brand, brand or "(no carrier)") for brand in brands if brand
        ]

    def filters(self) -> dict[str, str]:
        """The set filters, as keyword arguments of ``number_list``."""
        return {name: value for name, value in self.cleaned_data.items() if value}


class ImportRowFilterForm(DescribedForm):
    outcome = forms.ChoiceField(
        label="Outcome",
        required=False,
        choices=[("", "Every line"), *ImportOutcome.choices],
    )
