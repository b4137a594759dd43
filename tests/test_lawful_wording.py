"""The firm-but-lawful messages of REGULATIONS.md section 4.3: no wording rule of the
bundled packs may fire on them. Required-disclosure rules judge them separately."""
from __future__ import annotations

import pytest

from compliance_check import Checker, load_packs

WORDING_KINDS = {"terms", "pattern", "near", "pii", "classifier"}

ENGLISH = [
    "This is a communication from a debt collector. This is an attempt to collect a debt and any information obtained will be used for that purpose.",
    "As of June 1, your account with ABC Bank is 92 days past due with a balance of $1,245.60.",
    "If this balance remains unpaid, ABC Bank may report it to the credit reporting agencies, which may affect your credit.",
    "If we cannot reach an agreement, our client may consider legal action, including a lawsuit, as permitted by law.",
    "We can offer a plan of $100 per month starting July 1. Would that work for you?",
    "You can reach us at 1-800-555-0100, Monday to Saturday, 8 a.m. to 9 p.m. Eastern.",
    "To stop receiving emails at this address, click here or reply STOP.",
    "You have the right to dispute all or part of this debt. If you dispute it in writing, we will stop collection until we send you verification.",
    "If you would like us to stop contacting you, please tell us in writing.",
    "Please treat this as a final reminder before the account is referred to our collections team.",
]
CHINESE = [
    "您好，我是XX银行信用卡中心工作人员，工号1234，本次通话将被录音。",
    "截至6月1日，您的信用卡已逾期30天，欠款金额为人民币5,230.50元。",
    "根据《征信业管理条例》相关规定，逾期信息将报送金融信用信息基础数据库，可能影响您的个人信用记录。",
    "如仍未还款，我行保留依法通过诉讼等法律途径追偿的权利。",
    "如您还款确有困难，可以申请协商分期还款，我们可以一起商量可行的方案。",
    "请通过本行官方App或官方账户还款，切勿向任何个人账户转账。",
    "如对欠款金额有异议，可拨打客服热线95XXX提出，我们将核实处理。",
    "逾期期间将按合同约定计收利息及违约金。",
    "请您于6月15日前归还最低还款额1,200元。",
    "如现在不方便接听，请告诉我们方便联系的时间。",
]


@pytest.fixture(scope="module")
def checkers() -> dict[str, Checker]:
    return {"en": Checker(load_packs(["us-federal"])), "zh": Checker(load_packs(["cn-collection"])),
            "en-learned": Checker(load_packs(["us-federal-learned"]))}


@pytest.mark.parametrize("channel", [None, "sms", "email", "letter", "call_script", "chat"])
@pytest.mark.parametrize("language, text", [("en", t) for t in ENGLISH] + [("zh", t) for t in CHINESE]
                         + [("en-learned", t) for t in ENGLISH])
def test_no_wording_rule_fires_on_firm_but_lawful_wording(checkers, language, text, channel):
    findings = checkers[language].check(text, channel).findings
    wording = [(f.rule, f.matched) for f in findings if f.kind in WORDING_KINDS]
    assert wording == []
