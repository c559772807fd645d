from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from phonegen.numbers.models import Project
from phonegen.numbers.selectors import number_breakdown, number_list

from ..forms import NumberFilterForm
from .common import page_context, project_page

PAGE_SIZE = 50


@project_page
def number_table(request: HttpRequest, project: Project) -> HttpResponse:
    """A page of the project's numbers, filtered as the form says; or, from
    the form's export button, the CSV export of the same filter."""
    brands = sorted({row["brand"] for row in number_breakdown(project=project)})
    form = NumberFilterForm(request.GET or None, brands=brands)
    filters = form.filters() if form.is_valid() else {}

    if request.GET.get("export") == "csv" and form.is_valid():
        # The export button belongs to the filter form: what is exported is
        # what the form says now, even before the table was filtered with it.
        query = urlencode({"project_id": project.pk, "format": "csv", **filters})
        return redirect(f"{reverse('api:number-export')}?{query}")

    numbers = number_list(user=request.user, project_id=project.pk, **filters)
    page = Paginator(numbers, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode(filters)
    context = page_context(
        request, project, "numbers", form=form, page=page, query=query
    )
    status = 400 if form.errors else 200
    return render(request, "dashboard/numbers.html", context, status=status)
