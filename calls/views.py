from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from .models import Call


def home(request):
    calls = Call.objects.for_listing(timezone.now())
    return render(request, "calls/home.html", {"calls": calls})


def call_detail(request, reference):
    call = get_object_or_404(Call.objects.by_reference(reference).select_related("programme"))
    return render(request, "calls/detail.html", {"call": call})
