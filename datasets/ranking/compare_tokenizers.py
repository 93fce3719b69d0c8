#!/usr/bin/env python3
"""Which tokenisation ranks better for technology text fit: character n-grams (what duijie
uses) or jieba word segmentation? Ranks the capabilities of datasets/ranking/ledger by TF-IDF
cosine alone (no disciplines, no geography) and reports, per tokeniser, the share of needs whose
labelled best capability comes first and comes within the first five.

    pip install jieba   # only for this comparison; duijie itself needs no dictionary
    python3 datasets/ranking/compare_tokenizers.py
"""
import csv, math, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "cases"))

def rows(name):
    with open(os.path.join(HERE, "ledger", name), encoding="utf-8") as f:
        return list(csv.DictReader(f))

def is_han(ch):
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"

def char_ngrams(text):
    out, run, word = [], [], ""
    def flush_run():
        nonlocal run
        for k, ch in enumerate(run):
            out.append(ch)
            if k + 1 < len(run):
                out.append(ch + run[k + 1])
        run = []
    for ch in text + " ":
        if is_han(ch):
            if word:
                out.append(word); word = ""
            run.append(ch)
        elif ch.isalnum():
            flush_run(); word += ch.lower()
        else:
            flush_run()
            if word:
                out.append(word); word = ""
    return out

def jieba_words(text):
    import jieba
    return [w.lower() for w in jieba.lcut(text) if w.strip() and any(c.isalnum() for c in w)]

def tfidf(docs, corpus):
    n, df = len(corpus), {}
    for d in corpus:
        for t in set(d):
            df[t] = df.get(t, 0) + 1
    out = []
    for d in docs:
        tf = {}
        for t in d:
            tf[t] = tf.get(t, 0) + 1
        v = {t: (1 + math.log(c)) * math.log(1 + n / max(df.get(t, 0), 1)) for t, c in tf.items()}
        norm = math.sqrt(sum(w * w for w in v.values())) or 1.0
        out.append({t: w / norm for t, w in v.items()})
    return out

def evaluate(tok, with_keywords):
    caps, needs = rows("technology_capabilities.csv"), rows("technology_needs.csv")
    labels = {r["need"]: r["best"] for r in csv.DictReader(open(os.path.join(HERE, "labels.csv"), encoding="utf-8"))}
    split = lambda s: [x for x in s.split(";") if x]
    cap_docs = [tok(c["platform"] + " " + " ".join(split(c["keywords"]))) for c in caps]
    need_text = lambda n: n["description"] + (" " + " ".join(split(n["keywords"])) if with_keywords else "")
    need_docs = [tok(need_text(n)) for n in needs]
    cv, nv = tfidf(cap_docs, cap_docs), tfidf(need_docs, cap_docs)
    first = five = 0
    for i, n in enumerate(needs):
        scores = [(-sum(w * cv[j].get(t, 0.0) for t, w in nv[i].items()), j) for j in range(len(caps))]
        ranked = [caps[j]["id"] for _, j in sorted(scores)]
        first += ranked[0] == labels[n["id"]]
        five += labels[n["id"]] in ranked[:5]
    return first / len(needs), five / len(needs)

if __name__ == "__main__":
    print("tokeniser,need_text,best_first,best_in_five")
    for name, tok in (("char_ngrams", char_ngrams), ("jieba", jieba_words)):
        for kw in (True, False):
            a, b = evaluate(tok, kw)
            print(f"{name},{'description+keywords' if kw else 'description only'},{a:.3f},{b:.3f}")
