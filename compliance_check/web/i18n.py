"""The interface in English and Chinese: chosen by ``?lang=``, then the ``lang`` cookie,
then Accept-Language. Rule messages and suggestions come from the packs, in their language."""
from __future__ import annotations

from flask import request

LANGUAGES = ("zh", "en")
COOKIE = "lang"

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Collection message check",
        "intro": "Type or paste a draft. Offending words are highlighted with the rule, the article and a lawful rewording.",
        "message": "Message",
        "placeholder": "Type a draft SMS, chat reply or letter…",
        "channel": "Channel",
        "scope": "Rules",
        "scope_all": "All loaded packs",
        "jurisdiction": "Jurisdiction",
        "pack": "Pack",
        "check": "Check",
        "verdict": "Verdict",
        "verdict_block": "BLOCK: do not send",
        "verdict_warn": "WARN: review before sending",
        "verdict_pass": "PASS: no rule is broken",
        "verdict_none": "Start typing to check the message.",
        "findings": "Findings",
        "citation": "Citation",
        "suggestion": "Suggestion",
        "matched": "Matched",
        "whole_message": "whole message",
        "severity_error": "error",
        "severity_warning": "warning",
        "severity_info": "info",
        "csrf_failed": "The form expired. Please check again.",
        "too_long": "The message is too long: at most {limit} characters.",
        "checking": "Checking…",
        "request_failed": "The check failed",
        "contacts": "Contact-log audit",
        "language": "Language",
        "packs_loaded": "Packs",
        "channel_sms": "SMS", "channel_email": "E-mail", "channel_chat": "Chat", "channel_call_script": "Call script",
        "channel_letter": "Letter", "channel_call": "Call", "channel_visit": "Visit",
    },
    "zh": {
        "title": "催收话术合规检查",
        "intro": "输入或粘贴草稿。违规词语会被标出，并给出规则、条款和合规的改写建议。",
        "message": "内容",
        "placeholder": "输入短信、聊天回复或信函草稿……",
        "channel": "渠道",
        "scope": "规则",
        "scope_all": "全部已加载的规则包",
        "jurisdiction": "法域",
        "pack": "规则包",
        "check": "检查",
        "verdict": "结论",
        "verdict_block": "拦截：不得发送",
        "verdict_warn": "警告：发送前请复核",
        "verdict_pass": "通过：未违反规则",
        "verdict_none": "开始输入即可检查。",
        "findings": "问题",
        "citation": "依据",
        "suggestion": "建议",
        "matched": "命中",
        "whole_message": "整条消息",
        "severity_error": "错误",
        "severity_warning": "警告",
        "severity_info": "提示",
        "csrf_failed": "表单已过期，请重新检查。",
        "too_long": "内容过长：最多 {limit} 个字符。",
        "checking": "检查中……",
        "request_failed": "检查失败",
        "contacts": "联络记录审计",
        "language": "语言",
        "packs_loaded": "规则包",
        "channel_sms": "短信", "channel_email": "电子邮件", "channel_chat": "在线聊天", "channel_call_script": "通话脚本",
        "channel_letter": "信函", "channel_call": "电话", "channel_visit": "上门",
    },
}


def language() -> str:
    """The interface language of this request."""
    for candidate in (request.args.get("lang"), request.form.get("lang"), request.cookies.get(COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    return request.accept_languages.best_match(LANGUAGES, default="en")


def chosen_explicitly() -> str | None:
    """The language the user picked with the switch, to remember in a cookie."""
    lang = request.args.get("lang")
    return lang if lang in LANGUAGES else None
