"""Fictional but valid identifiers and names, for the demo district, tests and benchmarks."""

import datetime as dt
import random

from .validators import credit_code_check_char, id_number_check_digit

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英文辉力波宁浩凯俊佳鑫思雨欣怡子涵梓轩浩然宇航嘉怡晨曦德华建国红梅春燕海燕玉兰志强永红小龙"
COMPANY_WORDS = "嘉陵缙云北泉朝阳天生蔡家歇马澄江复兴静观柳荫金刀水土童家悦来同兴华蓥西山东阳龙凤渝北两江巴渝山城长江鑫源宏达恒信永安瑞丰盛泰康宁隆昌汇通"
COMPANY_SUFFIX = {
    "above_scale": [
        "机械制造有限公司",
        "汽车零部件有限公司",
        "电子科技有限公司",
        "新材料股份有限公司",
        "仪表有限公司",
    ],
    "below_scale": ["五金加工厂", "食品加工有限公司", "包装材料有限公司", "服装厂"],
    "commerce": ["商贸有限公司", "超市", "物流有限公司", "酒店管理有限公司", "餐饮管理有限公司"],
    "construction": ["建设工程有限公司（项目部）", "建筑安装工程有限公司", "市政工程有限公司"],
    "finance": ["银行支行", "农村商业银行分理处", "保险营业部"],
    "individual": ["便利店", "面馆", "理发店", "五金店", "水果店", "药店"],
    "small_venue": ["小旅馆", "网吧", "小诊所", "小茶馆", "小餐馆"],
}


def credit_code(seq: int, region: str = "500109", kind: str = "91") -> str:
    """A unique, valid 统一社会信用代码 for ``seq`` (0 ≤ seq < 10**7)."""
    if not 0 <= seq < 10**7:
        raise ValueError("seq out of range")
    first17 = f"{kind}{region}MA{seq:07d}"
    return first17 + credit_code_check_char(first17)


def id_number(seq: int, birth: dt.date, region: str = "500109") -> str:
    first17 = f"{region}{birth:%Y%m%d}{seq % 1000:03d}"
    return first17 + id_number_check_digit(first17)


def mobile(seq: int) -> str:
    return f"1{[3, 5, 7, 8, 9][seq % 5]}{(seq * 7919) % 10**9:09d}"


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))


def company_name(rng: random.Random, category: str, seq: int) -> str:
    word = rng.choice(COMPANY_WORDS) + rng.choice(COMPANY_WORDS)
    return f"重庆{word}{COMPANY_SUFFIX[category][seq % len(COMPANY_SUFFIX[category])]}"
