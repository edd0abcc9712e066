from pathlib import Path

import pytest

from zicht.estimation import CaptureHistories

DATA = Path(__file__).parent / "data"
DATASETS = sorted(p.stem for p in DATA.glob("*.csv"))


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


def load(name: str) -> CaptureHistories:
    return CaptureHistories.from_csv(DATA / f"{name}.csv")
