from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from relations import selectors


@login_required
def my_network(request):
    network = selectors.my_network(user=request.user)
    return render(request, "relations/my_network.html", {"network": network})
