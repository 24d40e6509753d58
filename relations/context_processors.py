from relations import permissions


def roles(request):
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "is_network_manager": permissions.is_network_manager(user),
        "is_event_planner": permissions.is_event_planner(user),
    }
