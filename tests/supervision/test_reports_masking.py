"""Masking of personal data (supervision/masking.py): a property test over generated text — whatever IDs and
phone numbers are embedded, and however they touch other characters, none survives."""

import random

import pytest

from portal.masking import leaks, mask_name, mask_text

FILLERS = [
    "",
    " ",
    "，",
    "电话",
    "身份证号",
    "联系人张三",
    "abc",
    "-",
    "：",
    "\n",
    "号",
    "元",
    "2026年",
    "(",
    "）",
    "7",
]


def _id_number(rng: random.Random) -> str:
    return "".join(rng.choice("0123456789") for _n in range(17)) + rng.choice("0123456789Xx")


def _phone(rng: random.Random) -> str:
    return "1" + "".join(rng.choice("0123456789") for _n in range(10))


def _digits(rng: random.Random) -> str:
    return "".join(rng.choice("0123456789") for _n in range(rng.randint(1, 25)))


def _spaced_phone(rng: random.Random) -> str:
    phone = _phone(rng)
    sep = rng.choice([" ", "-"])
    return f"{phone[:3]}{sep}{phone[3:7]}{sep}{phone[7:]}"


def generated_texts(count: int, seed: int = 20261122):
    rng = random.Random(seed)
    makers = [_id_number, _phone, _digits, _spaced_phone, lambda r: r.choice(FILLERS)]
    for _n in range(count):
        yield "".join(rng.choice(makers)(rng) for _part in range(rng.randint(1, 12)))


@pytest.mark.parametrize("chunk", range(5))
def test_no_id_or_phone_number_survives_masking(chunk):
    for text in generated_texts(2000, seed=chunk):
        masked = mask_text(text)
        assert not leaks(masked), (text, masked)
        assert "1" + "0" * 10 not in masked


def test_masked_spaced_phones_do_not_show_their_middle():
    assert mask_text("电话 138-1234-5678") == "电话 138-****-**78"
    assert mask_text("138 1234 5678") == "138 **** **78"


def test_masking_keeps_ordinary_numbers():
    text = "东医保罚〔2026〕17号，罚款86,000.00元，2026-03-05"
    assert mask_text(text) == text


def test_ids_and_phones_are_masked_with_their_ends_kept():
    assert mask_text("身份证330102198503154321") == "身份证330*************21"
    assert mask_text("手机13812345678。") == "手机138******78。"
    assert mask_text("33010219700101002X") == "330*************2X"


def test_names_are_masked_where_known():
    assert mask_name("张建华") == "张**"
    assert mask_name("李") == "李*"
    assert mask_text("当事人张建华，电话13812345678", names=["张建华"]) == "当事人张**，电话138******78"
    assert mask_text("") == ""
