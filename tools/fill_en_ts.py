"""Fill empty English translations in resources/translations/kiosk_en.ts from the table below.

Run after `packaging/build-translations.sh --update` added new strings; strings missing from
the table stay "unfinished" and are listed, so they are not forgotten (Qt Linguist works too).
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

TS = Path(__file__).resolve().parents[1] / "resources" / "translations" / "kiosk_en.ts"

EN = {
    "放好收据": "Place the receipt",
    "把医院的收据或发票正面朝上放好。": "Lay the hospital receipt or invoice face up.",
    "从U盘或文件导入": "Import from a USB stick or file",
    "使用示例收据（演示）": "Use the sample receipt (demo)",
    "← 返回": "← Back",
    "正在读取收据，请稍等……": "Reading the receipt, please wait…",
    "选择收据图片": "Choose a receipt picture",
    "图片或PDF": "Pictures or PDF",
    "已经提交了": "Your claim is in",
    "您的报销单号是：": "Your claim number is:",
    "接下来：机器联网后会把材料送到县医保局。审核大约需要两到四周，钱会打到您的社保卡上。想知道进度，可以回到首页点“查询进度”，输入身份证号码就能看到。":
        "Next: when the kiosk is online it sends your papers to the county insurance office. "
        "The review takes two to four weeks; the money goes to your social security card. "
        "To see how it is going, tap “My claims” on the first screen and enter your ID number.",
    "完成，回到首页": "Done, back to the start",
    "您还在吗？": "Are you still there?",
    "{s}秒后回到首页，您刚才输入的信息会被清除。":
        "In {s} seconds the kiosk goes back to the start and forgets what you entered.",
    "我还在，继续": "I'm here, continue",
    "删除一位": "Delete one character",
    "清空": "Clear",
    "医保报销自助机": "Medical insurance reimbursement kiosk",
    "协理员登录还在准备中，请先用“我要报销”。":
        "Assistant sign-in is not ready yet; please use “File a claim”.",
    "现在查不到，请叫工作人员帮忙。": "Cannot look this up now; please ask the staff.",
    "读收据的程序出了问题，请叫技术员。":
        "The receipt reader has a problem; please call the technician.",
    "这张收据已经报过了（在报销单 {n} 里），不能重复报销。":
        "This receipt was already claimed (claim {n}); it cannot be claimed twice.",
    "机器的存储空间满了，请叫技术员。": "The kiosk's storage is full; please call the technician.",
    "没能保存，请叫工作人员帮忙。": "Could not save; please ask the staff.",
    "报销单": "Claims",
    "读图引擎": "OCR engine",
    "已就绪": "ready",
    "正在加载": "loading",
    "请输入身份证号码": "Enter your ID-card number",
    "一共18位，在身份证背面最下面一行": "18 characters, the bottom line on the back of the card",
    "确定": "OK",
    "号码还不够18位，已输入{n}位。": "The number needs 18 characters; {n} entered so far.",
    "这个号码不对，请和身份证对照，再看一遍。":
        "This number is not right. Please compare it with the card again.",
    "已输入{n}位": "{n} characters entered",
    "请核对收据上的内容": "Please check what was read",
    "医院": "Hospital",
    "日期": "Date",
    "总金额": "Total",
    "预计可以报销": "Estimated refund",
    "黄色的地方没有看清楚，请协理员核对。":
        "Yellow fields were hard to read; the assistant should check them.",
    "重新拍": "Retake",
    "没错，提交": "Correct, submit",
    "没有读到": "not read",
    "{amount} 元": "¥{amount}",
    "暂时算不出": "cannot be estimated yet",
    "报销金额要等县医保局审核后确定。": "The county insurance office sets the final amount.",
    "（按示例政策估算，以县医保局审核为准）":
        "(estimated with the example policy; the county's review decides)",
    "技术员设置": "Technician settings",
    "请输入技术员密码（至少6位数字）": "Enter the technician PIN (at least 6 digits)",
    "设置": "Settings",
    "退出程序（技术员维护）": "Quit the app (maintenance)",
    "回到首页": "Back to the start",
    "密码错误次数太多，请{m}分钟后再试。": "Too many wrong PINs. Try again in {m} minutes.",
    "密码不对，还可以试{n}次。": "Wrong PIN. {n} tries left.",
    "请点一下您要办的事": "Tap what you would like to do",
    "我要报销": "File a claim",
    "查询进度": "My claims",
    "协理员登录": "Assistant sign-in",
    "我的报销": "My claims",
    "这台机器上没有找到您的报销单。": "No claims of yours on this kiosk.",
    "拍照": "Take the picture",
    "再加一张收据": "Add another receipt",
    "共{n}张收据": "{n} receipts",
    "还没提交": "not submitted",
    "等待联网发送": "waiting to be sent",
    "正在发送": "sending",
    "县医保局已收到": "received by the county",
    "正在审核": "under review",
    "审核通过，等待打款": "approved, payment coming",
    "被退回，请找协理员": "returned, please see the assistant",
    "已打款": "paid",
    "已取消": "cancelled",
    "没能办成": "That did not work",
    "机器出了点问题": "Something went wrong",
    "这不是您的错。请叫工作人员或技术员来看一下。":
        "It is not your fault. Please call the staff or the technician.",
    "给技术员看的编号：{ref}": "Reference for the technician: {ref}",
    "没能完成，请叫工作人员帮忙。": "That did not work; please ask the staff.",
    "没能读取这张图片，请叫工作人员帮忙。": "This picture could not be read; please ask the staff.",
}


def table() -> dict[str, str]:
    """EN plus the per-area tables in tools/ts_en/*.json (one file per part of the UI)."""
    merged = dict(EN)
    for path in sorted((Path(__file__).resolve().parent / "ts_en").glob("*.json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def main() -> int:
    en = table()
    tree = ET.parse(TS)
    missing = []
    for msg in tree.iter("message"):
        source = msg.findtext("source") or ""
        tr = msg.find("translation")
        assert tr is not None
        if tr.text and tr.get("type") != "unfinished":
            continue
        if source in en:  # the table wins over lupdate's same-text guesses
            tr.text = en[source]
            tr.attrib.pop("type", None)
        else:
            missing.append(source)
    tree.write(TS, encoding="utf-8", xml_declaration=True)
    for s in missing:
        print(f"untranslated: {s}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
