"""The fixed parts of the demo district: its accounts, departments and sector groups."""

from dataclasses import dataclass

from fugong.core.access import Role

DEMO_PASSWORD = "Fugong@2020"  # noqa: S105 — the published password of the demo accounts


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    scope: str


# One account for every role, all with DEMO_PASSWORD (listed in README.md).
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("sysadmin", Role.SYSADMIN, "全区，系统管理"),
    DemoAccount("leader", Role.DISTRICT_LEADER, "北碚区全区（只读），联系2–3家重点企业"),
    DemoAccount("jxw", Role.DEPARTMENT_OFFICER, "区经济信息委：全区规上、规下工业企业"),
    DemoAccount("tiansheng", Role.STREET_OFFICER, "天生街道"),
    DemoAccount("chaoyang", Role.STREET_OFFICER, "朝阳街道（与天生街道对比管辖范围）"),
    DemoAccount("community", Role.COMMUNITY_WORKER, "天生街道第一个社区"),
    DemoAccount("grid", Role.COMMUNITY_WORKER, "天生街道第一个社区的第一网格（网格员）"),
    DemoAccount("commissioner", Role.COMMISSIONER, "驻天生街道约5家规上企业"),
    DemoAccount("medic", Role.MEDIC, "包天生街道约5家规上、重点企业"),
    DemoAccount("site", Role.SITE_STAFF, "天生街道集中隔离点"),
    DemoAccount("ent_admin", Role.ENTERPRISE_ADMIN, "天生街道一家规上工业企业"),
    DemoAccount("employee", Role.EMPLOYEE, "同一企业的员工"),
    DemoAccount("guard", Role.CHECKPOINT_GUARD, "天生街道第一个社区的小区卡口"),
    DemoAccount("resident", Role.RESIDENT, "天生街道第一个社区的居民"),
)

# (code, name, categories it oversees); officers are named after the lower-case code.
DEPARTMENTS = [
    ("JXW", "区经济信息委", ["above_scale", "below_scale"]),
    ("SWW", "区商务委", ["commerce"]),
    ("ZJW", "区住房城乡建委", ["construction"]),
    ("JRB", "区金融办", ["finance"]),
    ("SCJGJ", "区市场监管局", ["individual", "small_venue"]),
    ("FGW", "区发展改革委", []),
    ("WJW", "区卫生健康委", []),
    ("YJJ", "区应急管理局", []),
    ("RSJ", "区人力社保局", []),
    ("SWJ", "区税务局", []),
    ("MZJ", "区民政局", []),
    ("NYW", "区农业农村委", []),
    ("GSL", "区工商联", []),
    ("ZWB", "区政务服务办", []),
    ("GAJ", "区公安分局", []),
]
SECTOR_GROUPS = [
    ("industry", "工业组", "JXW"),
    ("commerce", "商贸服务业组", "SWW"),
    ("construction", "建筑业组", "ZJW"),
]
GROUP_OF_CATEGORY = {
    "above_scale": "industry",
    "below_scale": "industry",
    "commerce": "commerce",
    "construction": "construction",
}
