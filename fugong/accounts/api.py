from ninja import Router, Schema
from ninja.errors import HttpError

from .services import LoginError, token_issue

router = Router(tags=["认证"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    expires_at: str


@router.post("/token", auth=None, response=TokenOut, summary="用用户名和密码换取接口令牌")
def issue_token(request, payload: TokenIn):
    try:
        raw, token = token_issue(username=payload.username, password=payload.password)
    except LoginError as exc:
        raise HttpError(401, exc.message) from None
    return {"token": raw, "expires_at": token.expires_at.isoformat()}
