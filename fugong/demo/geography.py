"""The demo district's tree: the street-level units of 北碚区 and fictional communities under them.

Street, town and park names follow 北碚区 as it was in 2020; the codes follow the statistical
convention (街道 0xx, 镇 1xx, 开发区 4xx). Community, village and grid names are made up.
"""

import random
from dataclasses import dataclass

DISTRICT_CODE = "500109"
DISTRICT_NAME = "北碚区"


@dataclass(frozen=True)
class Street:
    suffix: str  # the three digits after the district code
    name: str
    kind: str  # street / town / park
    slug: str  # pinyin, the username of its officer
    roads: tuple[str, ...]

    @property
    def code(self) -> str:
        return DISTRICT_CODE + self.suffix


STREETS = [
    Street("001", "天生街道", "street", "tiansheng", ("天生路", "云华路", "天生桥路")),
    Street("002", "朝阳街道", "street", "chaoyang", ("朝阳路", "中山路", "北京路")),
    Street("003", "北温泉街道", "street", "beiwenquan", ("温泉路", "缙云大道", "北泉路")),
    Street("004", "东阳街道", "street", "dongyang", ("东阳路", "嘉陵路", "碚东路")),
    Street("005", "龙凤桥街道", "street", "longfengqiao", ("龙凤大道", "龙凤路", "滨江路")),
    Street("006", "歇马街道", "street", "xiema", ("歇马路", "凤栖路", "卫星湖路")),
    Street("007", "澄江街道", "street", "chengjiang", ("澄江路", "运河路", "缙云路")),
    Street("008", "蔡家岗街道", "street", "caijiagang", ("同兴路", "蔡家大道", "嘉德大道")),
    Street("009", "童家溪街道", "street", "tongjiaxi", ("童家溪路", "同兴北路", "金溪路")),
    Street("101", "施家梁镇", "town", "shijialiang", ("施家梁路", "两江路")),
    Street("102", "静观镇", "town", "jingguan", ("静观路", "花木大道")),
    Street("103", "柳荫镇", "town", "liuyin", ("柳荫路", "东升路")),
    Street("104", "三圣镇", "town", "sansheng", ("三圣路", "德圣路")),
    Street("105", "天府镇", "town", "tianfu", ("天府路", "代家路")),
    Street("106", "水土镇", "town", "shuitu", ("水土路", "云汉大道", "方正大道")),
    Street("107", "复兴镇", "town", "fuxing", ("复兴路", "盛和路")),
    Street("108", "金刀峡镇", "town", "jindaoxia", ("金刀峡路", "偏岩路")),
    Street("401", "北碚高新技术产业园", "park", "gaoxinyuan", ("高新大道", "蔡云路", "科创路")),
]
# The small demo: two streets to compare scopes, and a town with villages.
SMALL_STREETS = ("001", "002", "102")

_FIRST = "嘉缙文桂翠状梨金檀竹松玉凤锦新和同泰安书滨云碧青柏枫朝星明晨双石红白黄杉蟠映鹿樟兰龙福瑞康乐长"
_SECOND = "园林湖山桥坪湾苑华溪岭坝塘庄岗峰泉台院堡"


def community_names(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct two-character names, unique across the district."""
    pool = [a + b for a in _FIRST for b in _SECOND if a != b]
    return rng.sample(pool, count)


def child_kinds(street: Street, count: int, rng: random.Random) -> list[str]:
    """Communities in streets and parks; a town has one or two communities and villages around them."""
    if street.kind == "town":
        towns = rng.choice([1, 2])
        return ["community"] * towns + ["village"] * (count - towns)
    if street.kind == "street":
        villages = rng.choice([0, 0, 1, 2])
        return ["community"] * (count - villages) + ["village"] * villages
    return ["community"] * count
