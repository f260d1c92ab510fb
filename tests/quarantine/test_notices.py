"""Release notices (解除隔离通知书): issued on release as a numbered, signed PDF in Chinese with the
bundled font; rendered deterministically; verified by the QR link (genuine, changed number, changed
code, content edited in the database, revoked) and by the file itself."""

import hashlib
import logging
import re
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from fontTools.ttLib import TTFont

from fugong.core.models import AuditEntry
from fugong.quarantine.models import ReleaseNotice
from fugong.quarantine.services import notices as notice_services

from .notice_helpers import BASE, embedded_fonts, pdf_text, released, stored

FONT = Path(__file__).resolve().parents[2] / "fugong" / "quarantine" / "fonts" / "NotoSansSC-Notice.otf"


def _verify_path(notice, number=None, code=None) -> str:
    return f"/quarantine/verify/{number or notice.number}/{code or notice.code}/"


def test_release_through_the_page_issues_a_numbered_pdf(world, client_for):
    # Given an order released on the order page
    from .factories import order_for

    order = order_for(world)
    client = client_for("community_A")
    response = client.post(f"/quarantine/orders/{order.pk}/release/", {"reason": "核酸检测阴性，提前解除"})
    assert response.status_code == 302
    order.refresh_from_db()
    notice = ReleaseNotice.objects.get(order=order)

    # Then the notice carries the order's number, and its PDF is stored with its digest
    assert re.fullmatch(r"JC\d{10}", notice.number) and notice.number == order.release_number
    data = stored(notice)
    assert data.startswith(b"%PDF-") and hashlib.sha256(data).hexdigest() == notice.sha256
    assert notice.size == len(data)
    assert notice.verify_url == f"http://testserver/quarantine/verify/{notice.number}/{notice.code}/"
    text, pages = pdf_text(data)
    text = text.replace("\n", "")  # lines are broken by width, the sentences are what matter
    person = order.person
    assert pages == 1
    assert "解除隔离通知书" in text and f"编号：{notice.number}" in text
    assert person.name in text and person.id_number not in text
    assert f"{person.id_number[:4]}{'*' * 10}{person.id_number[-4:]}" in text
    assert "因核酸检测阴性，提前解除，经医学观察无异常" in text
    assert "依据《中华人民共和国传染病防治法》" in text and "起解除隔离" in text
    assert "天生街道西南大学南社区" in text and "扫码核验真伪" in text and notice.verify_url in text
    assert [name.split("+")[1] for name in embedded_fonts(data)] == ["NotoSansCJKSC"]
    assert AuditEntry.objects.filter(object_id=str(notice.pk), changes__number__1=notice.number).exists()


def test_a_rare_name_renders_with_the_bundled_font(world):
    # The bundled font covers the whole basic CJK block that Noto has (U+4E00–U+9FEF) …
    cmap = TTFont(FONT, lazy=True).getBestCmap()
    assert all(code in cmap for code in range(0x4E00, 0x9FF0))
    # … so a name of rare characters is printed with real glyphs (the text maps back to them).
    notice = released(world, name="欧阳龑堃赟").notice
    text = pdf_text(stored(notice))[0].replace("\n", "")
    assert "欧阳龑堃赟（身份证号" in text
    assert "你于" in text and "居家隔离，至" in text and "隔离期满，经医学观察无异常" in text


def test_rendering_is_deterministic(world):
    notice = released(world).notice
    again = notice_services.render_one(ReleaseNotice.objects.get(pk=notice.pk))
    assert hashlib.sha256(again).hexdigest() == notice.sha256 == hashlib.sha256(stored(notice)).hexdigest()


def test_the_signature_covers_the_content(world):
    notice = released(world).notice
    assert notice.signature == notice_services.sign(notice.content)
    assert notice.code == notice_services.code_for(notice.signature) and len(notice.code) == 10
    changed = {**notice.content, "released_on": "2020-01-01"}
    assert notice_services.sign(changed) != notice.signature


def test_genuine_notice_verifies_without_login(world):
    notice = released(world, name="王小明").notice
    response = Client().get(_verify_path(notice))
    page = response.content.decode()
    assert response.status_code == 200
    assert "真实有效" in page and notice.number in page and "王*明" in page
    assert "王小明" not in page and notice.content["id_number"] not in page
    assert notice.content["address"] not in page  # the address stays on the paper
    assert "尚未登记送达" in page and "天生街道西南大学南社区" in page


def _assert_refused(response, caplog, number):
    page = response.content.decode()
    assert response.status_code == 404
    assert "无法核验" in page and "该通知书可能是伪造或被篡改的" in page and "真实有效" not in page
    warnings = [
        r for r in caplog.records if r.name == "fugong.quarantine.security" and r.levelno == logging.WARNING
    ]
    assert warnings and number in warnings[-1].getMessage()


def test_changed_number_or_code_fails_and_is_logged(world, caplog):
    notice = released(world, name="王小明").notice
    other = released(world, name="李小红").notice
    caplog.set_level(logging.WARNING, logger="fugong.quarantine.security")
    client = Client()
    last = notice.number[:-1] + ("0" if notice.number[-1] != "0" else "1")
    _assert_refused(client.get(_verify_path(notice, number=last)), caplog, last)
    _assert_refused(client.get(_verify_path(notice, number=other.number)), caplog, other.number)
    bad_code = ("A" if notice.code[0] != "A" else "B") + notice.code[1:]
    _assert_refused(client.get(_verify_path(notice, code=bad_code)), caplog, notice.number)
    # The code is base32: typed in lower case it is the same code.
    assert client.get(_verify_path(notice, code=notice.code.lower())).status_code == 200
    assert all("王小明" not in r.getMessage() for r in caplog.records)


def test_malformed_links_are_refused_not_errors(world, caplog):
    notice = released(world).notice
    client = Client()
    for path in (
        f"/quarantine/verify/{'9' * 300}/{notice.code}/",
        f"/quarantine/verify/{notice.number}/%27%3B--/",
        f"/quarantine/verify/JC/{notice.code}/",
        f"/quarantine/verify/{notice.number}/{notice.code}X/",
    ):
        assert client.get(path).status_code == 404


def test_content_edited_in_the_database_fails(world, caplog):
    notice = released(world, name="王小明").notice
    ReleaseNotice.objects.filter(pk=notice.pk).update(content={**notice.content, "released_on": "2020-02-01"})
    _assert_refused(Client().get(_verify_path(notice)), caplog, notice.number)
    # Even with a signature recomputed by someone without the key, the code no longer matches.
    forged = {**notice.content, "name": "冒名"}
    ReleaseNotice.objects.filter(pk=notice.pk).update(
        content=forged, signature=hashlib.sha256(notice_services.canonical(forged)).hexdigest()
    )
    _assert_refused(Client().get(_verify_path(notice)), caplog, notice.number)


def test_revoked_notice_shows_as_void(world, client_for):
    order = released(world)
    response = client_for("community_A").post(
        f"/quarantine/orders/{order.pk}/notice/revoke/", {"reason": "签发有误"}
    )
    assert response.status_code == 302
    page = Client().get(_verify_path(order.notice)).content.decode()
    assert "已作废" in page and "真实有效" not in page


def _upload(client, notice, data: bytes, name="notice.pdf"):
    return client.post(_verify_path(notice), {"file": SimpleUploadedFile(name, data, "application/pdf")})


def test_uploaded_file_identical_or_changed(world):
    notice = released(world).notice
    data = stored(notice)
    client = Client()
    same = _upload(client, notice, data)
    assert same.status_code == 200 and "文件与签发的原件完全一致" in same.content.decode()
    changed = bytearray(data)
    changed[len(changed) // 2] ^= 0x01
    differs = _upload(client, notice, bytes(changed))
    assert differs.status_code == 200 and "文件与签发的原件不一致" in differs.content.decode()
    wrong_type = _upload(client, notice, b"hello", name="notice.txt")
    assert wrong_type.status_code == 400 and "文件类型不允许" in wrong_type.content.decode()
    renamed = _upload(client, notice, b"MZ\x90\x00 not a pdf", name="notice.pdf")
    assert renamed.status_code == 400 and "文件内容与扩展名" in renamed.content.decode()


def test_upload_needs_the_csrf_token(world):
    notice = released(world).notice
    client = Client(enforce_csrf_checks=True)
    assert _upload(client, notice, stored(notice)).status_code == 403


def test_an_upload_to_a_forged_link_is_refused(world):
    notice = released(world).notice
    response = _upload(Client(), notice.__class__(number=notice.number, code="AAAAAAAAAA"), stored(notice))
    assert response.status_code == 404


def test_public_url_setting_goes_into_the_qr_link(world, settings):
    settings.FUGONG_PUBLIC_URL = "https://fugong.beibei.example"
    notice = released(world).notice
    assert notice.verify_url.startswith("https://fugong.beibei.example/quarantine/verify/JC")
    assert notice.verify_url in pdf_text(stored(notice))[0]
    assert BASE not in notice.verify_url
