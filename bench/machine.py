"""What the benchmark ran on: CPU, memory, PostgreSQL, Python and Django versions."""

import os
import platform
from pathlib import Path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "未知"


def _ram_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "未知"


def describe(connection) -> dict[str, str]:
    import django

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    return {
        "CPU 核数 (nproc)": str(os.cpu_count()),
        "CPU 型号": _cpu_model(),
        "内存": _ram_gib(),
        "PostgreSQL": pg,
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "操作系统": f"{platform.system()} {platform.release()}",
    }


def load() -> float:
    """The one-minute load average: other work on the machine slows every figure."""
    return os.getloadavg()[0]
