from ninja import Router

router = Router(tags=["人员档案"])
