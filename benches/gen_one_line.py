"""A long one-line article (no newline) for timing extraction: python3 benches/gen_one_line.py MB OUTDIR (or 250k).

Kept as it was when the benches/README figures were measured (seed 7)."""
import random, sys, os
size = int(float(sys.argv[1]) * 1024 * 1024) if sys.argv[1][-1] != 'k' else int(sys.argv[1][:-1]) * 1024
out = sys.argv[2]
rnd = random.Random(7)
countries = ["Chile", "China", "Russia", "Kazakhstan", "India", "Brazil", "Egypt", "Iran", "Pakistan", "Mongolia", "Belarus", "Armenia", "Cambodia", "Uzbekistan", "Tajikistan"]
orgs = ["the African Union", "the Shanghai Cooperation Organization", "BRICS", "the United Nations", "the World Bank", "the European Union", "ASEAN", "the World Trade Organization", "the New Development Bank"]
people = ["Xi Jinping", "Vladimir Putin", "Narendra Modi", "Gabriel Boric", "Ana Torres", "Luiz Inacio Lula da Silva"]
titles = ["President", "Prime Minister", "Foreign Minister"]
templates = [
 lambda: f"{rnd.choice(countries)} joined {rnd.choice(orgs)} in {rnd.randint(1950, 2024)}.",
 lambda: f"{rnd.choice(titles)} {rnd.choice(people)} met {rnd.choice(titles)} {rnd.choice(people)}.",
 lambda: f"He later visited {rnd.choice(countries)}.",
 lambda: f"The two leaders discussed trade with {rnd.choice(countries)}.",
 lambda: f"{rnd.choice(orgs).capitalize() if False else rnd.choice(orgs)[0].upper() + rnd.choice(orgs)[1:]} held a summit in {rnd.choice(countries)}.",
 lambda: f"The bloc admitted {rnd.choice(countries)} as an observer.",
 lambda: f"{rnd.choice(countries)} is a member of {rnd.choice(orgs)}.",
 lambda: f"Chinese President Xi Jinping arrived in {rnd.choice(countries)} on {rnd.randint(1,28)} March {rnd.randint(2000,2024)}.",
 lambda: f"The organization comprises {rnd.choice(countries)}, {rnd.choice(countries)} and {rnd.choice(countries)}.",
 lambda: f"Later, she said {rnd.choice(countries)} would cooperate with {rnd.choice(countries)}.",
 lambda: f"Officials from {rnd.choice(countries)} attended the meeting.",
]
parts = []
n = 0
while n < size:
    s = rnd.choice(templates)()
    parts.append(s); n += len(s) + 1
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "long.txt"), "w") as f:
    f.write(" ".join(parts) + "\n")
