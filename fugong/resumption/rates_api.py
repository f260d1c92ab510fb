from ninja import Router

router = Router(tags=["复工复产"])
