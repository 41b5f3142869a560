"""The file does not parse."""


def encode(tokenizer, text, device)
    return tokenizer(text)
