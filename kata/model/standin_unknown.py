"""What the offline stand-in says when it is asked something it was not built for.

The stand-in memorises a handful of prompts. Anything else must still get visible words, and the
words must tell the learner what is answering, so a "going further" experiment offline never
looks like a broken loop. It learns that from prompts made up here, each answered with one
sentence, in English and Chinese, saying what it is.
"""

from __future__ import annotations

import random

# What the stand-in says about itself, in both of the course's languages (one answer for every
# prompt is easier for a tiny model to learn than a choice of language). The opening bracket is
# the first token of no other answer, so once it is chosen the sentence cannot drift.
SELF_DESCRIPTION = "[a tiny offline stand-in for Qwen2.5: I only know the course's prompts. 离线替身小模型：只认识课程里的提示。]"


def self_description(chat: bool) -> str:
    """The stand-in's answer to a prompt it was not built for (a continuation starts with a space)."""
    return SELF_DESCRIPTION if chat else " " + SELF_DESCRIPTION


# --- made-up prompts ----------------------------------------------------------------------------

PLAIN_SHARE = 0.35  # of the made-up prompts, those asked as plain text; the rest are chats (harder)
NEAR_MISS_SHARE = 0.2  # of the chats, those asking a known prompt cut short or with one word changed
EARLIER_EXCHANGE_SHARE = 0.15  # of the chats, those with an earlier exchange, as in a conversation
# The kinds of made-up prompt, as cumulative shares: English words, Chinese words, near misses of
# the capitals it knows, numbers; symbols for the rest.
KIND_BOUNDS = (0.55, 0.8, 0.9, 0.95)
CAPITALISED_SHARE = 0.7  # of the English prompts

WORDS_EN = """
the a an of to in on for with at by from about as into like through after over between out up
is are was were be been has have had do does did can could will would should may might must
I you he she it we they me him her us them my your his its our their this that these those what
which who whom whose why how when where there here not no yes all any some many much more most
time year people way day man woman child world life hand part place case week company system
program question work government number night point home water room mother area money story fact
month lot right study book eye job word business issue side kind head house service friend
father power hour game line end member law car city community name president team minute idea
kid body information back parent face others level office door health person art war history
party result change morning reason research girl guy moment air teacher force education dog cat
tell me write explain give make find show help translate list describe compare summarize solve
joke poem story song recipe email letter code function python sentence paragraph essay answer
good new first last long great little own other old big high different small large next early
young important few public bad same able happy sad red green blue yellow black white hot cold
weather today tomorrow yesterday morning evening music movie food coffee tea apple banana pizza
Berlin London Rome Madrid Germany Italy Spain England Canada Brazil India Egypt Moscow Seoul
capital country river mountain ocean moon sun star planet earth computer phone internet model
""".split()

WORDS_ZH = """
今天 明天 天气 怎么样 你 我 他 她 我们 他们 什么 为什么 怎么 哪里 谁 是 的 了 吗 呢 吧 在 有
没有 一个 这个 那个 请 帮 写 讲 给 说 告诉 解释 翻译 介绍 笑话 故事 诗 歌 文章 问题 答案 时间
中国 北京 上海 日本 东京 美国 法国 巴黎 德国 首都 城市 国家 山 河 海 月亮 太阳 星星 电脑 手机
学习 工作 吃饭 睡觉 喜欢 知道 觉得 可以 能 会 想 要 去 来 看 听 读 做 好 大 小 多 少 新 老
苹果 咖啡 茶 猫 狗 朋友 老师 学生 医生 音乐 电影 书 语言 模型 注意力 词 句子 数学 一 二 三
""".split()

COUNTRIES = "Germany Italy Spain England Canada Brazil India Egypt Russia Korea Mexico Kenya".split()
OPENINGS_EN = ["", "", "Tell me ", "Write ", "Explain ", "What is ", "Who is ", "How do I ", "Why is ",
               "Please ", "Can you ", "Give me ", "Once upon a time ", "Translate ", "def ", "Hello, "]
ENDINGS_EN = ["", "", ".", "?", "!", ":", "...", "\n"]
ENDINGS_ZH = ["", "？", "。", "！", "吗？"]
SYMBOLS = list("?!.,:;-+*/=#@$%&()[]{}<>'\"~^_|abcxyz\n 🙂👍，。？！")
SYSTEMS = [None, None, None, "你是一个很有用的助手", "You are a pirate.", "Answer in one word.",
           "You are a helpful assistant.", "你是一个翻译。"]


def made_up_prompt(rng: random.Random) -> str:
    """A prompt the stand-in was not built for: English, Chinese, numbers, symbols or a near miss."""
    kind = rng.random()
    english, chinese, capital, numbers = KIND_BOUNDS
    if kind < english:
        words = rng.choices(WORDS_EN, k=rng.randint(1, 9))
        text = rng.choice(OPENINGS_EN) + " ".join(words) + rng.choice(ENDINGS_EN)
        return text[0].upper() + text[1:] if rng.random() < CAPITALISED_SHARE else text
    if kind < chinese:
        return "".join(rng.choices(WORDS_ZH, k=rng.randint(1, 7))) + rng.choice(ENDINGS_ZH)
    if kind < capital:  # near misses of the facts it does know
        country = rng.choice(COUNTRIES)
        return rng.choice([f"The capital of {country} is", f"What is the capital of {country}?",
                           f"The capital of {country}", f"{country}'s capital is"])
    if kind < numbers:
        figures = [str(rng.randint(0, 999)) for _ in range(rng.randint(1, 5))]
        return rng.choice([" ", "+", "*", "-", ", "]).join(figures) + rng.choice(ENDINGS_EN + ["=", " ="])
    return "".join(rng.choices(SYMBOLS, k=rng.randint(1, 3)))


def near_miss(rng: random.Random, known: list[str]) -> str:
    """A known prompt cut short or with one word changed: close to a fact, yet not one."""
    words = rng.choice(known).split(" ")
    if len(words) > 1 and rng.random() < 0.5:
        return " ".join(words[: rng.randint(1, len(words) - 1)])
    words[rng.randrange(len(words))] = rng.choice(WORDS_EN + WORDS_ZH)
    return " ".join(words)


def made_up_example(rng: random.Random, render_chat, plain_known: set[str], chat_known: set[str]) -> tuple[str, str]:
    """(prompt text, answer text): a prompt it was not built for, plain or in a chat, and its answer.

    ``render_chat(messages, add_generation_prompt)`` renders the stand-in's chat template. A plain
    prompt that begins a known one is left out: continuing the fact is the right answer there.
    """
    if rng.random() < PLAIN_SHARE:
        prompt = made_up_prompt(rng)
        while any(known.startswith(prompt) for known in plain_known):
            prompt = made_up_prompt(rng)
        return prompt, self_description(chat=False) + "<|endoftext|>"
    prompt = near_miss(rng, sorted(plain_known | chat_known)) if rng.random() < NEAR_MISS_SHARE else made_up_prompt(rng)
    while prompt in chat_known:
        prompt = made_up_prompt(rng)
    messages = []
    system = rng.choice(SYSTEMS)
    if system is not None:
        messages.append({"role": "system", "content": system})
    if rng.random() < EARLIER_EXCHANGE_SHARE:
        messages += [{"role": "user", "content": made_up_prompt(rng)},
                     {"role": "assistant", "content": self_description(chat=True)}]
    messages.append({"role": "user", "content": prompt})
    return render_chat(messages, True), self_description(chat=True) + "<|im_end|>\n"


def settings() -> dict:
    """The generator's data (every upper-case name above), for the stand-in's recipe hash."""
    return {name: value for name, value in globals().items() if name.isupper()}
