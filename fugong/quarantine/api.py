from ninja import Router

router = Router(tags=["返区人员与隔离"])
