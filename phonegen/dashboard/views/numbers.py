from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from phonegen.numbers.models import Project
from phonegen.numbers.selectors import number_breakdown, number_list

from ..forms import NumberFilterForm
from .common import page_context, project_page

PAGE_SIZE = 50


@project_page
def number_table(request: HttpRequest, project: Project) -> HttpResponse:
    """A page of the project's numbers, filtered as the export link is."""
    brands = sorted({row["brand"] for row in number_breakdown(project=project)})
    form = NumberFilterForm(request.GET or None, brands=brands)
    filters = form.filters() if form.is_valid() else {}

    numbers = number_list(user=request.user, project_id=project.pk, **filters)
    page = Paginator(numbers, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode(filters)
    export_query = urlencode({"project_id": project.pk, "format": "csv", **filters})
    context = page_context(
        request,
        project,
        "numbers",
        form=form,
        page=page,
        query=query,
        export_url=f"{reverse('api:number-export')}?{export_query}",
    )
    status = 400 if form.errors else 200
    return render(request, "dashboard/numbers.html", context, status=status)
