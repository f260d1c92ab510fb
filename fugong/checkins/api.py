from ninja import Router

router = Router(tags=["健康打卡"])
