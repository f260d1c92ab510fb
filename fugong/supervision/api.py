from ninja import Router

router = Router(tags=["督查检查"])
