#!/usr/bin/env python3
"""Build ``foods.csv`` (the k2calc food-composition table) from ``reference/``.

Usage::

    python scripts/build_foods.py           # (re)write foods.csv
    python scripts/build_foods.py --check   # exit 1 if foods.csv differs from what would be written

Deterministic; needs the standard library and k2calc.foods (for the column list).  Every
number written to foods.csv is copied from a row of

* ``reference/usda/sr28_mk4.csv``          (USDA SR28 MK-4, 588 foods)  -> ``SR("ndb")``
* ``reference/usda/sr28_mk4_weights.csv``  (USDA household measures)
* ``reference/k2_food_values.csv``         (other studies)              -> ``K2(line, column)``
* ``reference/household_measures.csv``     (cited household measures)   -> ``HM(line)``

``line`` is the physical line number of the row in its CSV file (line 1 is the header).  Each
reference also carries the text the row's first column must start with, so a shifted file is
caught at build time instead of silently giving a wrong number.  The only arithmetic done is
(a) adding forms that one source measured in one sample (e.g. Dunlop's cheddar MK-5+MK-8+MK-9),
(b) taking the min/max of cited values for the low/high band, and (c) dividing a USDA gram
weight by the WEIGHT amount (``3 pieces = 56 g`` -> ``piece=18.667``).
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from k2calc.foods import TABLE_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
REF = ROOT / "reference"
OUT = ROOT / "foods.csv"
SOURCES_OUT = ROOT / "sources.csv"

HEADER = list(TABLE_COLUMNS)  # the columns k2calc reads, in order


# --------------------------------------------------------------------------------------------
# References into reference/ files
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class K2:
    """A value in reference/k2_food_values.csv: physical ``line``, ``col``umn, expected food."""

    line: int
    col: str
    food: str


@dataclass(frozen=True)
class SR:
    """The SR28 MK-4 value of USDA food ``ndb``."""

    ndb: str


@dataclass(frozen=True)
class HM:
    """A household measure in reference/household_measures.csv at physical ``line``."""

    line: int
    food: str


Ref = K2 | SR


@dataclass(frozen=True)
class Sum:
    """Forms measured by ONE source in ONE sample, added together (e.g. MK-4 + MK-7)."""

    parts: tuple[K2, ...]


BandItem = K2 | Sum


@dataclass(frozen=True)
class Friendly:
    """A curated food people type.  ``usda`` set = this row IS that SR28 food, renamed."""

    name: str
    aliases: tuple[str, ...]
    sources: tuple[str, ...]
    note: str
    category: str = ""
    usda: str = ""
    mk4: K2 | None = None
    mk7: K2 | None = None
    other: tuple[K2, ...] = ()
    total: K2 | None = None
    # Values from other sources (or the same source's other samples) whose spread forms the
    # low-high band.  A K2 ref to a `low`/`high` column counts only on that side.
    band: tuple[BandItem, ...] = ()
    # Household measures from household_measures.csv; empty + usda set -> the SR28 food's own.
    measures: tuple[HM, ...] = ()
    mk4_from_sr: str = ""  # proxy: take MK-4 from this SR28 food (row has no ndb_no itself)
    sr_band: str = ""  # proxy: include this SR28 food's min/max in the band


# --------------------------------------------------------------------------------------------
# Curated friendly foods.  Source keys are defined in docs/data-sources.md.
# k2 line numbers: reference/k2_food_values.csv; HM line numbers: reference/household_measures.csv
# --------------------------------------------------------------------------------------------

S = "usda-sr28"

FRIENDLY: tuple[Friendly, ...] = (
    # ---------------------------------------------------------------- fermented
    Friendly(
        name="natto",
        aliases=("fermented soybeans",),
        category="fermented",
        mk7=K2(2, "mk7", "Natto"),
        band=(
            K2(3, "total_k2", "Natto"),
            Sum((K2(4, "mk4", "Natto"), K2(4, "mk7", "Natto"))),
            K2(5, "mk7", "Natto"),
            K2(6, "low", "Natto"),
            K2(6, "high", "Natto"),
        ),
        measures=(HM(2, "Natto"),),
        sources=("kamao-2007", "nih-ods", "wapf-2015", "schurgers-2000", "seed-000", S),
        note=(
            "MK-7 939 from Kamao 2007 (Japan; MK-4 not given in the abstract, so left empty); band "
            "939-1103.4 = seed 000 939-998, NIH ODS 999.4, WAPF 1100 (MK-4 0), Schurgers 2000 "
            "1103.4 "
            "total; seed 002's '150 mcg per tablespoon' is excluded (contradicts all measured "
            "values); "
            "cup from USDA 16113 natto."
        ),
    ),
    Friendly(
        name="sauerkraut",
        aliases=("sour cabbage",),
        category="fermented",
        total=K2(15, "total_k2", "Sauerkraut"),
        band=(K2(80, "total_k2", "Sauerkraut"),),
        measures=(HM(36, "Sauerkraut"),),
        sources=("healthygutgirl", "seed-000", S),
        note=(
            "LOW confidence: 4.8 (healthygutgirl list, apparently Schurgers 2000) vs 0.4 (seed "
            "000), "
            "a 10-fold disagreement; neither primary table was reachable, forms not split; cup "
            "from "
            "USDA 11439 sauerkraut, canned."
        ),
    ),
    # ---------------------------------------------------------------- cheese
    Friendly(
        name="gouda",
        aliases=("gouda cheese", "cheese, gouda", "dutch gouda"),
        category="cheese",
        total=K2(16, "total_k2", "Gouda (Dutch), ripened 4 weeks"),
        band=(
            K2(17, "total_k2", "Gouda (Dutch), ripened 13 weeks"),
            K2(21, "mk9", "Milner cheese"),
            K2(22, "mk9", "Milner cheese"),
            K2(23, "mk9", "Milner cheese"),
            K2(24, "total_k2", "Gouda 30+"),
            K2(25, "total_k2", "Gouda 48+"),
            K2(82, "low", "Hard cheeses, Gouda or Jarlsberg"),
            K2(82, "high", "Hard cheeses, Gouda or Jarlsberg"),
        ),
        measures=(HM(62, "Cheese, gouda"),),
        sources=("vermeer-2018", "frieslandcampina", "seed-002", S),
        note=(
            "Total menaquinones 47.3 (Vermeer 2018, Dutch Gouda ripened 4 weeks, MK-4..MK-10 not "
            "split); "
            "band 32-90 = Vermeer 13-week 65.0, FrieslandCampina Gouda 32/47 and Milner MK-9 "
            "40-63, seed 002 "
            "'Gouda or Jarlsberg' 50-90 (low); only a package weight is cited (USDA 01022), no "
            "slice."
        ),
    ),
    Friendly(
        name="camembert",
        aliases=("camembert cheese", "cheese, camembert"),
        category="cheese",
        total=K2(19, "total_k2", "Camembert"),
        measures=(HM(68, "Cheese, camembert"),),
        sources=("vermeer-2018", S),
        note=(
            "Total menaquinones 68.1 (Vermeer 2018, French Camembert, forms not split); wedge from "
            "USDA 01007 camembert."
        ),
    ),
    Friendly(
        name="brie",
        aliases=("brie cheese", "cheese, brie"),
        category="cheese",
        total=K2(10, "total_k2", "Soft cheeses (generic)"),
        band=(K2(19, "total_k2", "Camembert"),),
        measures=(HM(67, "Cheese, brie"),),
        sources=("healthygutgirl", "vermeer-2018", S),
        note=(
            "PROXY, low confidence: no brie was measured; 56 is the Schurgers 2000 'soft cheeses' "
            "category (via healthygutgirl) and the band reaches Camembert 68.1 (Vermeer 2018, the "
            "closest "
            "measured bloomy-rind cheese); package from USDA 01006 brie."
        ),
    ),
    Friendly(
        name="munster",
        aliases=("munster cheese", "munster-gerome"),
        category="cheese",
        total=K2(18, "total_k2", "Munster (French)"),
        sources=("vermeer-2018",),
        note=(
            "French washed-rind Munster, total menaquinones 80.1 (Vermeer 2018, forms not split); "
            "US "
            "'muenster' is a different cheese with no K2 data, so no slice weight is borrowed "
            "(mass only)."
        ),
    ),
    Friendly(
        name="cheddar",
        usda="01009",
        aliases=("cheddar cheese",),
        other=(
            K2(42, "mk5", "Cheddar cheese (Australia)"),
            K2(42, "mk8", "Cheddar cheese (Australia)"),
            K2(42, "mk9", "Cheddar cheese (Australia)"),
        ),
        band=(
            K2(87, "mk4", "Cheese, cheddar"),
            Sum((K2(58, "mk4", "Cheddar, extra sharp"), K2(58, "mk7", "Cheddar, extra sharp"))),
            Sum((K2(59, "mk4", "Cheddar, organic"), K2(59, "mk7", "Cheddar, organic"))),
            Sum((K2(60, "mk4", "Cheddar, farmstead"), K2(60, "mk7", "Cheddar, farmstead"))),
        ),
        sources=(S, "dunlop-2022", "usda-fdc", "wapf-2015"),
        note=(
            "MK-4 8.6 from USDA (US cheddar); other_mk 13.1 = MK-5 1.1 + MK-8 4 + MK-9 8 measured "
            "in one "
            "Australian cheddar composite by Dunlop 2022 (different samples and country; MK-7 not "
            "given); "
            "FDC 9.3 and WAPF cheddars MK-4+MK-7 9-11 agree on MK-4."
        ),
    ),
    Friendly(
        name="swiss cheese",
        usda="01040",
        aliases=("swiss", "emmental", "emmentaler"),
        band=(
            K2(47, "low", "Swiss cheeses"),
            K2(47, "high", "Swiss cheeses"),
        ),
        sources=(S, "walther-2021"),
        note=(
            "MK-4 6.3 from USDA (US Swiss, an Emmental-type cheese); band 2.3-131.2 is Walther "
            "2021's range "
            "of all menaquinones over 10 Swiss varieties (range only); thermophilic Emmental-type "
            "cheeses "
            "are reported to make little K2."
        ),
    ),
    Friendly(
        name="parmesan",
        usda="01032",
        aliases=("parmesan cheese", "grated parmesan"),
        sources=(S,),
        note=(
            "Grated parmesan; CERIN's summary of Vermeer 2018 calls Italian cheeses incl. Parmesan "
            "poor in K2 (no number)."
        ),
    ),
    Friendly(
        name="mozzarella",
        usda="01029",
        aliases=("mozzarella cheese", "part-skim mozzarella"),
        band=(K2(89, "mk4", "Cheese, mozzarella"),),
        sources=(S, "usda-fdc"),
        note="Low-moisture part-skim; FDC Foundation gives 5.4 MK-4 for the same food (band).",
    ),
    Friendly(
        name="shredded mozzarella",
        usda="01271",
        aliases=(),
        sources=(S,),
        note="Low-moisture part-skim, shredded.",
    ),
    Friendly(
        name="cream cheese",
        usda="01017",
        aliases=(),
        other=(K2(43, "mk5", "Cream cheese (Australia)"),),
        sources=(S, "dunlop-2022"),
        note=(
            "MK-4 8.7 from USDA; other_mk 1.0 is MK-5 only, measured in Australian cream cheese by "
            "Dunlop 2022 (other long-chain forms not given in the abstract, so a lower bound)."
        ),
    ),
    Friendly(
        name="fat-free cream cheese",
        usda="01186",
        aliases=("nonfat cream cheese",),
        sources=(S,),
        note="",
    ),
    Friendly(
        name="low-fat cream cheese",
        usda="43274",
        aliases=("light cream cheese",),
        sources=(S,),
        note="",
    ),
    Friendly(
        name="neufchatel",
        usda="01031",
        aliases=("neufchatel cheese",),
        sources=(S,),
        note="",
    ),
    Friendly(
        name="cottage cheese",
        usda="01012",
        aliases=("creamed cottage cheese",),
        sources=(S,),
        note=(
            "Fu's 54.2 for full-fat cottage cheese is total vitamin K incl. K1 and is not used "
            "(rule 6)."
        ),
    ),
    Friendly(
        name="low-fat cottage cheese",
        usda="01015",
        aliases=("2% cottage cheese",),
        sources=(S,),
        note="",
    ),
    Friendly(
        name="blue cheese",
        aliases=("bleu cheese", "cheese, blue"),
        category="cheese",
        mk4=K2(61, "mk4", "Blue cheese, raw milk"),
        mk7=K2(61, "mk7", "Blue cheese, raw milk"),
        measures=(HM(72, "Cheese, blue"),),
        sources=("wapf-2015", S),
        note=(
            "WAPF test of one raw-milk farmstead blue cheese, MK-4 and MK-7 only (MK-8/MK-9, the "
            "main "
            "cheese forms, not measured, so an undercount); Fu 440 and Danablue 49 PKeq are not K2 "
            "values "
            "(rule 6); cup from USDA 01004 blue cheese."
        ),
    ),
    Friendly(
        name="american cheese",
        usda="01042",
        aliases=("american cheese slice",),
        band=(K2(90, "mk4", "Cheese, pasteurized process, American"),),
        sources=(S, "usda-fdc"),
        note=(
            "Pasteurized process American; FDC Foundation gives 10.3 MK-4 for a later sample set "
            "(inside the band)."
        ),
    ),
    Friendly(
        name="ricotta",
        aliases=("ricotta cheese", "cheese, ricotta, whole milk"),
        category="cheese",
        mk4=K2(88, "mk4", "Cheese, ricotta"),
        sources=("usda-fdc",),
        note=(
            "Whole-milk ricotta, MK-4 only (FDC Foundation Foods); no household measure cited, "
            "mass only."
        ),
    ),
    Friendly(
        name="queso fresco",
        usda="01228",
        aliases=(),
        sources=(S,),
        note="",
    ),
    Friendly(
        name="queso blanco",
        usda="01229",
        aliases=(),
        sources=(S,),
        note="",
    ),
    Friendly(
        name="queso seco",
        usda="01227",
        aliases=(),
        sources=(S,),
        note="",
    ),
    Friendly(
        name="orgu cheese",
        aliases=("orgu peyniri", "braided cheese"),
        category="cheese",
        total=K2(49, "total_k2", "Orgu"),
        sources=("sungur",),
        note=(
            "LOW confidence: Turkish (Hatay) braided cheese, total K2 by HPLC from the Sungur "
            "abstract (top-3 values only); name is the abstract's English rendering; mass only."
        ),
    ),
    Friendly(
        name="cara cheese",
        aliases=(),
        category="cheese",
        total=K2(50, "total_k2", '"Cara" cheese'),
        sources=("sungur",),
        note=(
            "LOW confidence: Turkish (Hatay) cheese, total K2 by HPLC from the Sungur abstract; "
            "name is the abstract's English rendering; mass only."
        ),
    ),
    Friendly(
        name="crushing cheese",
        aliases=(),
        category="cheese",
        total=K2(51, "total_k2", '"Crushing" cheese'),
        sources=("sungur",),
        note=(
            "LOW confidence: Turkish (Hatay) cheese, total K2 by HPLC from the Sungur abstract; "
            "name is the abstract's English rendering; mass only."
        ),
    ),
    # ---------------------------------------------------------------- dairy, fats
    Friendly(
        name="butter",
        aliases=("salted butter", "butter, salted"),
        category="fat",
        mk4_from_sr="01002",
        sr_band="01002",
        band=(K2(13, "total_k2", "Butter (grass-fed)"),),
        measures=(
            HM(3, "Butter, salted"),
            HM(4, "Butter, salted"),
            HM(5, "Butter, salted"),
            HM(6, "Butter, salted"),
        ),
        sources=(S, "healthygutgirl"),
        note=(
            "PROXY: MK-4 20.9 is USDA's whipped salted butter (01002; same food with air beaten "
            "in, so the "
            "same mcg/100 g) while the measures are stick butter's own (USDA 01001); band adds the "
            "blog's "
            "grass-fed butter 15 (low); MK-4 only."
        ),
    ),
    Friendly(
        name="whipped butter",
        usda="01002",
        aliases=(),
        category="fat",
        sources=(S,),
        note="Whipped butter's own measures (lighter per tbsp than stick butter).",
    ),
    Friendly(
        name="butter oil",
        aliases=("high-vitamin butter oil",),
        category="fat",
        mk4=K2(57, "mk4", "Butter oil, high-vitamin"),
        mk7=K2(57, "mk7", "Butter oil, high-vitamin"),
        measures=(HM(9, "Butter oil, anhydrous"), HM(10, "Butter oil, anhydrous")),
        sources=("wapf-2015", S),
        note=(
            "WAPF test of one high-vitamin butter oil (Green Pastures), MK-4 and MK-7 only; a "
            "concentrate, "
            "not ordinary butter or ghee; measures from USDA 01003 butter oil, anhydrous."
        ),
    ),
    Friendly(
        name="lard",
        aliases=("pork lard",),
        category="fat",
        mk4=K2(62, "mk4", "Lard (pastured)"),
        mk7=K2(62, "mk7", "Lard (pastured)"),
        measures=(HM(11, "Lard"), HM(12, "Lard")),
        sources=("wapf-2015", S),
        note="WAPF test of pastured lard, MK-4 and MK-7 only; measures from USDA 04002 lard.",
    ),
    Friendly(
        name="duck fat",
        aliases=("fat, duck",),
        category="fat",
        mk4=K2(64, "mk4", "Duck fat"),
        measures=(HM(13, "Fat, duck"), HM(14, "Fat, duck")),
        sources=("wapf-2015", S),
        note="WAPF 2014-2015 tests (summary), MK-4 only; measures from USDA 04574 duck fat.",
    ),
    Friendly(
        name="emu oil",
        aliases=(),
        category="fat",
        mk4=K2(63, "mk4", "Emu oil"),
        mk7=K2(52, "mk7", "Emu oil"),
        band=(K2(52, "low", "Emu oil"), K2(52, "high", "Emu oil")),
        sources=("wapf-2015",),
        note=(
            "WAPF tests: MK-4 4,000 ng/g (summary) within the 3.9-4.4 mcg/g range of the tabulated "
            "test, "
            "MK-7 0.002 mcg/g; no emu-oil density was found, so mass only."
        ),
    ),
    Friendly(
        name="milk",
        usda="01077",
        aliases=("whole milk",),
        band=(K2(78, "low", "Milk"), K2(78, "high", "Milk")),
        sources=(S, "seed-000"),
        note=(
            "Whole milk 3.25%; seed 000 gives 0.8-1.0 (band); Fu's 38.1 is total vitamin K incl. "
            "K1 and is not used (rule 6)."
        ),
    ),
    Friendly(
        name="chocolate milk",
        usda="01104",
        aliases=("lowfat chocolate milk",),
        sources=(S,),
        note="",
    ),
    Friendly(
        name="sour cream",
        usda="01056",
        aliases=(),
        sources=(S,),
        note="",
    ),
    Friendly(
        name="nonfat greek yogurt",
        usda="01256",
        aliases=("fat-free greek yogurt",),
        sources=(S,),
        note=(
            "Nonfat only: a measured zero; full-fat yogurts have no K2 value here (Fu's 28-30 are "
            "total vitamin K, rule 6)."
        ),
    ),
    Friendly(
        name="dulce de leche",
        usda="01225",
        aliases=(),
        category="sweet",
        sources=(S,),
        note="",
    ),
    Friendly(
        name="powdered coffee creamer",
        usda="01069",
        aliases=("cream substitute",),
        sources=(S,),
        note="",
    ),
    Friendly(
        name="margarine",
        usda="04611",
        aliases=("tub margarine",),
        sources=(S,),
        note="",
    ),
    Friendly(name="coconut oil", usda="04047", aliases=(), sources=(S,), note=""),
    Friendly(name="canola oil", usda="04582", aliases=("rapeseed oil",), sources=(S,), note=""),
    Friendly(name="soybean oil", usda="04044", aliases=(), sources=(S,), note=""),
    Friendly(
        name="flaxseed oil",
        usda="42231",
        aliases=("linseed oil",),
        sources=(S,),
        note="Cold pressed.",
    ),
    # ---------------------------------------------------------------- eggs
    Friendly(
        name="egg",
        aliases=("whole egg",),
        category="egg",
        mk4_from_sr="01132",
        measures=(
            HM(42, "Egg, whole, raw"),
            HM(43, "Egg, whole, raw"),
            HM(44, "Egg, whole, raw"),
            HM(45, "Egg, whole, raw"),
            HM(46, "Egg, whole, raw"),
        ),
        sources=(S,),
        note=(
            "PROXY: MK-4 0.2 is USDA's scrambled whole egg (01132), the only whole-egg MK-4 in "
            "the data, recipe-calculated (suspect); egg K2 sits in the yolk (see 'egg yolk', "
            "15-40). Measures are the raw whole egg's own (USDA 01123: large 50 g = each)."
        ),
    ),
    Friendly(
        name="scrambled egg",
        usda="01132",
        aliases=(),
        sources=(S,),
        note="USDA's scrambled egg with its own measures (a large scrambled egg is 61 g).",
    ),
    Friendly(
        name="egg yolk",
        aliases=("yolk", "raw egg yolk"),
        category="egg",
        mk4=K2(85, "mk4", "Egg yolk"),
        band=(
            K2(11, "total_k2", "Egg yolk (free-range)"),
            K2(12, "total_k2", "Egg yolk (conventional)"),
            K2(76, "total_k2", "Egg yolk"),
            K2(65, "high", "Egg yolk (WAPF test"),
        ),
        measures=(HM(47, "Egg, yolk, raw, fresh"),),
        sources=("davis-2007", "healthygutgirl", "seed-000", "wapf-2015", S),
        note=(
            "LOW confidence (no peer-reviewed egg value reachable): MK-4 31 from Davis 2007; band "
            "15-40 = "
            "healthygutgirl 15 (conventional) / 32 (free-range), seed 000 15.5, WAPF 'below 40' "
            "bound; "
            "each = USDA 01125 large yolk 17 g."
        ),
    ),
    Friendly(
        name="egg mix",
        usda="01210",
        aliases=("powdered egg mix",),
        sources=(S,),
        note="USDA Commodity dried egg mix.",
    ),
    # ---------------------------------------------------------------- poultry
    Friendly(
        name="chicken breast",
        usda="05747",
        aliases=("grilled chicken breast",),
        band=(K2(83, "mk4", "Chicken"), K2(14, "total_k2", "Chicken breast or leg")),
        sources=(S, "davis-2007", "healthygutgirl"),
        note=(
            "Skinless boneless breast, grilled; band adds Davis 'chicken' 8 and healthygutgirl "
            "'chicken breast or leg' 9 (both low)."
        ),
    ),
    Friendly(
        name="rotisserie chicken breast",
        usda="05348",
        aliases=(),
        band=(K2(69, "mk4", "Chicken breast, rotisserie"),),
        sources=(S, "nih-ods"),
        note="Meat and skin; NIH ODS gives 15.3 (13 mcg per 3 oz) for rotisserie breast (band).",
    ),
    Friendly(
        name="raw chicken breast",
        usda="05062",
        aliases=(),
        sources=(S,),
        note="Skinless boneless, raw.",
    ),
    Friendly(
        name="chicken thigh",
        usda="05345",
        aliases=("rotisserie chicken thigh",),
        sources=(S,),
        note=(
            "Rotisserie thigh, meat only; Danish thigh-with-skin 53 is in PK-equivalents and not "
            "used (rule 6)."
        ),
    ),
    Friendly(
        name="chicken drumstick",
        usda="05343",
        aliases=("rotisserie chicken drumstick",),
        sources=(S,),
        note="Rotisserie drumstick, meat only (the highest chicken MK-4 in USDA).",
    ),
    Friendly(
        name="chicken wing",
        usda="05352",
        aliases=("rotisserie chicken wing",),
        sources=(S,),
        note="Rotisserie wing with skin; USDA calculated it from the analysed meat and skin.",
    ),
    Friendly(
        name="chicken skin",
        usda="05344",
        aliases=(),
        sources=(S,),
        note="Rotisserie chicken skin only.",
    ),
    Friendly(
        name="chicken leg",
        aliases=("chicken leg meat",),
        category="poultry",
        mk4=K2(41, "mk4", "Chicken leg meat (Australia)"),
        band=(
            K2(14, "total_k2", "Chicken breast or leg"),
            K2(73, "low", "Chicken"),
            K2(73, "high", "Chicken"),
        ),
        sources=("dunlop-2022", "healthygutgirl", "seed-000"),
        note=(
            "MK-4 58 (Dunlop 2022, Australian leg-meat composites; feed differs by country); band "
            "adds "
            "healthygutgirl 'breast or leg' 9 and seed 000 'chicken' 13.6-31.6 (cut not stated, "
            "low); "
            "Finnish 60 and Danish 53 are not K2 values (rule 6); mass only."
        ),
    ),
    Friendly(
        name="chicken liver",
        aliases=("liver, chicken",),
        category="offal",
        mk4=K2(56, "mk4", "Chicken liver (conventional)"),
        mk7=K2(56, "mk7", "Chicken liver (conventional)"),
        band=(
            Sum(
                (K2(55, "mk4", 'Chicken liver ("farmed"'), K2(55, "mk7", 'Chicken liver ("farmed"'))
            ),
            K2(71, "mk4", "Chicken liver, braised"),
        ),
        measures=(HM(83, "Chicken, liver"),),
        sources=("wapf-2015", "nih-ods", S),
        note=(
            "WAPF conventional chicken liver MK-4 4 + MK-7 1.0; band adds NIH ODS braised 7.1 "
            "(MK-4) and "
            "WAPF 'farmed' 10 + 0.08; each = one raw liver, 44 g (USDA 05027)."
        ),
    ),
    Friendly(
        name="goose liver pate",
        aliases=("foie gras", "pate", "pate de foie gras", "goose liver pâté"),
        category="offal",
        mk4=K2(8, "mk4", "Goose liver pate"),
        measures=(HM(81, "Pate de foie gras"),),
        sources=("ntro-it", S),
        note=(
            "LOW confidence: 369 'all MK-4' only via SEO pages apparently copying Schurgers 2000; "
            "verify "
            "before relying on it; tbsp from USDA 05282 pate de foie gras."
        ),
    ),
    Friendly(
        name="chicken tenders",
        usda="22978",
        aliases=("breaded chicken tenders",),
        sources=(S,),
        note="Frozen, breaded, prepared.",
    ),
    Friendly(
        name="chicken fingers",
        usda="36015",
        aliases=("chicken strips",),
        sources=(S,),
        note="Restaurant (family style), kids' menu.",
    ),
    Friendly(
        name="chicken pot pie",
        usda="22906",
        aliases=(),
        sources=(S,),
        note="Frozen entree, prepared.",
    ),
    Friendly(
        name="general tso's chicken",
        usda="36618",
        aliases=("general tso chicken",),
        sources=(S,),
        note="Chinese restaurant.",
    ),
    Friendly(
        name="chicken gravy", usda="06119", aliases=(), sources=(S,), note="Canned or bottled."
    ),
    # ---------------------------------------------------------------- meat
    Friendly(
        name="ground beef",
        aliases=("hamburger meat", "minced beef"),
        category="beef",
        mk4=K2(70, "mk4", "Ground beef, broiled"),
        band=(K2(84, "mk4", "Beef"), K2(75, "low", "Beef"), K2(75, "high", "Beef")),
        sources=("nih-ods", "davis-2007", "seed-000"),
        note=(
            "Broiled ground beef MK-4 7.1 (NIH ODS, 6 mcg per 3 oz; not in SR28); band adds "
            "generic 'beef' "
            "from Davis (1) and seed 000 (1.1-9.3), cut not stated, low; mass only."
        ),
    ),
    Friendly(
        name="flat iron steak",
        usda="23060",
        aliases=("top blade steak",),
        sources=(S,),
        note="Grilled, all grades.",
    ),
    Friendly(
        name="sirloin tip steak",
        usda="23056",
        aliases=("tip side steak",),
        sources=(S,),
        note="Round, knuckle, tip side; grilled, all grades.",
    ),
    Friendly(
        name="bottom round steak",
        usda="23064",
        aliases=("london broil", "western griller steak"),
        sources=(S,),
        note="Grilled, all grades.",
    ),
    Friendly(
        name="ranch steak",
        usda="23058",
        aliases=("ranch cut steak", "shoulder center steak"),
        sources=(S,),
        note="Chuck shoulder top/center steak; grilled, all grades.",
    ),
    Friendly(name="canned beef", usda="13166", aliases=(), sources=(S,), note="USDA Commodity."),
    Friendly(
        name="ham",
        usda="10879",
        aliases=("roast ham", "baked ham"),
        band=(K2(72, "mk4", "Ham, roasted or pan broiled"),),
        sources=(S, "nih-ods"),
        note="Cured ham, water added, whole boneless, roasted; NIH ODS ham 4.7 is inside the band.",
    ),
    Friendly(
        name="deli ham",
        usda="07028",
        aliases=("sliced ham",),
        sources=(S,),
        note="Sliced packaged ham, 96% fat free.",
    ),
    Friendly(
        name="canadian bacon",
        usda="10998",
        aliases=("back bacon",),
        sources=(S,),
        note="Pan-fried.",
    ),
    Friendly(name="canned pork", usda="10158", aliases=(), sources=(S,), note="USDA Commodity."),
    Friendly(
        name="pickled pigs feet",
        usda="10132",
        aliases=("pickled pork feet",),
        sources=(S,),
        note="",
    ),
    Friendly(name="pickled pork hocks", usda="10898", aliases=(), sources=(S,), note=""),
    Friendly(
        name="pulled pork",
        usda="22972",
        aliases=("bbq pulled pork",),
        sources=(S,),
        note="In barbecue sauce.",
    ),
    Friendly(
        name="salami",
        usda="07069",
        aliases=("cooked salami",),
        band=(K2(77, "total_k2", "Salami"),),
        sources=(S, "seed-000"),
        note=(
            "US cooked beef-and-pork salami; seed 000's 9 (probably a Dutch value, low) widens the "
            "band."
        ),
    ),
    Friendly(
        name="pepperoni",
        usda="07057",
        aliases=(),
        sources=(S,),
        note="'each' is one pepperoni slice (USDA 'piece', 2 g).",
    ),
    Friendly(
        name="hot dog",
        usda="07964",
        aliases=("frankfurter", "frank", "wiener", "hotdog"),
        sources=(S,),
        note="Meat-and-poultry frankfurter, grilled.",
    ),
    Friendly(
        name="unheated hot dog",
        usda="07962",
        aliases=(),
        sources=(S,),
        note="Meat-and-poultry frankfurter, unheated.",
    ),
    Friendly(
        name="chicken hot dog",
        usda="07024",
        aliases=("chicken frankfurter",),
        sources=(S,),
        note="",
    ),
    Friendly(
        name="turkey hot dog", usda="07025", aliases=("turkey frankfurter",), sources=(S,), note=""
    ),
    Friendly(
        name="corn dog", usda="22973", aliases=("corndog",), sources=(S,), note="Frozen, prepared."
    ),
    Friendly(
        name="bologna", usda="07007", aliases=("beef bologna",), sources=(S,), note="Beef bologna."
    ),
    Friendly(
        name="pork sausage",
        usda="07953",
        aliases=("breakfast sausage", "pork sausage link", "pork sausage patty"),
        sources=(S,),
        note="Fully cooked link/patty, microwaved.",
    ),
    Friendly(
        name="smoked sausage",
        usda="07074",
        aliases=("smoked pork sausage",),
        sources=(S,),
        note="Pork smoked link sausage.",
    ),
    Friendly(
        name="italian sausage",
        aliases=("mild italian sausage", "sausage, italian, pork, mild, cooked, pan-fried"),
        category="processed-meat",
        mk4=K2(91, "mk4", "Sausage, Italian"),
        sources=("usda-fdc",),
        note="Pork, mild, pan-fried; MK-4 only (FDC Foundation Foods); mass only.",
    ),
    Friendly(
        name="chorizo",
        aliases=("pork chorizo", "sausage, pork, chorizo, link or ground, cooked, pan-fried"),
        category="processed-meat",
        mk4=K2(92, "mk4", "Sausage, pork, chorizo"),
        sources=("usda-fdc",),
        note="Pork chorizo, pan-fried; MK-4 only (FDC Foundation Foods); mass only.",
    ),
    Friendly(
        name="turkey sausage",
        aliases=("turkey breakfast sausage", "sausage, turkey, breakfast links, mild, raw"),
        category="processed-meat",
        mk4=K2(93, "mk4", "Sausage, turkey"),
        sources=("usda-fdc",),
        note="Turkey breakfast links, mild, raw; MK-4 only (FDC Foundation Foods); mass only.",
    ),
    Friendly(
        name="kielbasa",
        usda="07968",
        aliases=("polish sausage",),
        sources=(S,),
        note="Fully cooked, grilled; 'each' is USDA's whole link (367 g).",
    ),
    Friendly(
        name="meatballs",
        usda="07972",
        aliases=("italian meatballs",),
        sources=(S,),
        note="Frozen, Italian style.",
    ),
    Friendly(
        name="turkey breast",
        usda="07081",
        aliases=("deli turkey", "sliced turkey breast"),
        sources=(S,),
        note="Sliced, prepackaged (deli).",
    ),
    Friendly(
        name="canned luncheon meat", usda="07044", aliases=(), sources=(S,), note="USDA Commodity."
    ),
    Friendly(
        name="caribou",
        usda="35211",
        aliases=("reindeer",),
        category="game",
        sources=(S,),
        note="Hind quarter, cooked (Alaska Native).",
    ),
    # ---------------------------------------------------------------- fish
    Friendly(
        name="salmon",
        usda="15086",
        aliases=("sockeye salmon", "cooked salmon"),
        sources=(S,),
        note="Sockeye, cooked dry heat (USDA calculated it from raw).",
    ),
    Friendly(
        name="atlantic salmon",
        usda="15236",
        aliases=("farmed salmon",),
        sources=(S,),
        note="Farmed, raw.",
    ),
    Friendly(
        name="canned salmon",
        usda="15260",
        aliases=("pink salmon",),
        sources=(S,),
        note="Pink, drained solids.",
    ),
    Friendly(
        name="smoked salmon",
        usda="35190",
        aliases=(),
        sources=(S,),
        note="Sockeye filets with skin, smoked (Alaska Native preparation).",
    ),
    Friendly(
        name="shrimp",
        usda="15151",
        aliases=("prawn", "cooked shrimp"),
        band=(Sum((K2(54, "mk4", "Shrimp, wild"), K2(54, "mk7", "Shrimp, wild"))),),
        sources=(S, "wapf-2015"),
        note=(
            "Cooked moist heat (USDA calculated); WAPF wild shrimp MK-4 0.02 + MK-7 1.0 widens the "
            "band."
        ),
    ),
    Friendly(
        name="oyster",
        usda="15167",
        aliases=("raw oyster",),
        band=(Sum((K2(53, "mk4", "Oysters"), K2(53, "mk7", "Oysters"))),),
        sources=(S, "wapf-2015"),
        note=(
            "Eastern wild, raw (USDA calculated); WAPF's MK-4 0.1 + MK-7 0.2 is 10-fold lower "
            "(band)."
        ),
    ),
    Friendly(
        name="cooked oyster",
        usda="15169",
        aliases=("steamed oyster",),
        sources=(S,),
        note="Eastern wild, moist heat.",
    ),
    Friendly(
        name="cod", usda="15192", aliases=("pacific cod",), sources=(S,), note="Cooked dry heat."
    ),
    Friendly(
        name="catfish",
        usda="15235",
        aliases=("channel catfish",),
        sources=(S,),
        note="Farmed, cooked dry heat.",
    ),
    Friendly(
        name="flounder",
        usda="15029",
        aliases=("sole",),
        sources=(S,),
        note="Flatfish, cooked dry heat.",
    ),
    Friendly(name="halibut", usda="15037", aliases=(), sources=(S,), note="Cooked dry heat."),
    Friendly(name="pollock", usda="15066", aliases=("alaska pollock",), sources=(S,), note="Raw."),
    Friendly(name="rockfish", usda="15071", aliases=(), sources=(S,), note="Cooked dry heat."),
    Friendly(name="ocean perch", usda="15058", aliases=(), sources=(S,), note="Cooked dry heat."),
    Friendly(name="blue crab", usda="15140", aliases=(), sources=(S,), note="Cooked moist heat."),
    Friendly(name="imitation crab", usda="15138", aliases=("surimi",), sources=(S,), note=""),
    Friendly(
        name="lobster", usda="15148", aliases=(), sources=(S,), note="Northern, cooked moist heat."
    ),
    Friendly(name="clam", usda="15157", aliases=(), sources=(S,), note="Mixed species, raw."),
    Friendly(name="scallop", usda="90240", aliases=(), sources=(S,), note="Bay and sea, steamed."),
    Friendly(name="fish sticks", usda="15027", aliases=(), sources=(S,), note="Frozen, prepared."),
    Friendly(
        name="eel",
        aliases=(),
        category="fish",
        total=K2(81, "total_k2", "Eel"),
        sources=("seed-002",),
        note=(
            "LOW confidence: a single blog value (seed 002, no primary source named), forms not "
            "split; mass only."
        ),
    ),
    # ---------------------------------------------------------------- other foods
    Friendly(
        name="mozzarella sticks",
        usda="36012",
        aliases=("fried mozzarella sticks",),
        sources=(S,),
        note="Restaurant (family style).",
    ),
    Friendly(
        name="egg roll",
        usda="36601",
        aliases=(),
        sources=(S,),
        note="Chinese restaurant, assorted.",
    ),
    Friendly(
        name="lasagna",
        usda="22977",
        aliases=("meat lasagna",),
        sources=(S,),
        note="With meat sauce, frozen, prepared.",
    ),
    Friendly(
        name="refried beans", usda="36418", aliases=(), sources=(S,), note="Mexican restaurant."
    ),
    Friendly(
        name="peanuts",
        usda="16390",
        aliases=("dry-roasted peanuts",),
        sources=(S,),
        note="Dry-roasted, without salt.",
    ),
    Friendly(name="quinoa", usda="20035", aliases=(), sources=(S,), note="Uncooked."),
    Friendly(name="brown rice", usda="20037", aliases=(), sources=(S,), note="Long-grain, cooked."),
    Friendly(name="cauliflower", usda="11135", aliases=(), sources=(S,), note="Raw."),
    Friendly(
        name="white mushroom", usda="11260", aliases=("button mushroom",), sources=(S,), note="Raw."
    ),
    Friendly(
        name="dill pickle", usda="11937", aliases=("kosher dill pickle",), sources=(S,), note=""
    ),
    Friendly(name="edamame", usda="11212", aliases=(), sources=(S,), note="Frozen, prepared."),
    Friendly(
        name="mashed potatoes",
        usda="11657",
        aliases=(),
        sources=(S,),
        note="Home-prepared with whole milk (calculated).",
    ),
    Friendly(name="dark chocolate", usda="19905", aliases=(), sources=(S,), note=""),
    Friendly(name="coffee", usda="14180", aliases=("brewed coffee",), sources=(S,), note=""),
    Friendly(name="bagel", usda="18001", aliases=("plain bagel",), sources=(S,), note=""),
    Friendly(
        name="doughnut", usda="18248", aliases=("donut", "cake doughnut"), sources=(S,), note=""
    ),
    Friendly(name="chocolate chip cookie", usda="18159", aliases=(), sources=(S,), note=""),
    Friendly(name="pecan pie", usda="18324", aliases=(), sources=(S,), note=""),
    Friendly(name="pumpkin pie", usda="18326", aliases=(), sources=(S,), note=""),
    Friendly(name="flour tortilla", usda="18364", aliases=(), sources=(S,), note=""),
    Friendly(
        name="saltine",
        usda="18228",
        aliases=("saltine cracker", "soda cracker"),
        sources=(S,),
        note="",
    ),
    Friendly(name="mustard", usda="02046", aliases=("yellow mustard",), sources=(S,), note=""),
    Friendly(name="applesauce", usda="09019", aliases=(), sources=(S,), note="Unsweetened."),
)


# --------------------------------------------------------------------------------------------
# Reading reference files
# --------------------------------------------------------------------------------------------


def read_lines(path: Path) -> dict[int, dict[str, str]]:
    """Rows of a CSV keyed by their physical line number (header = line 1)."""
    out: dict[int, dict[str, str]] = {}
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        for row in reader:
            assert len(row) == len(header), (path, reader.line_num)
            out[reader.line_num] = dict(zip(header, row, strict=True))
    return out


@dataclass
class Sr28Food:
    ndb: str
    group: str
    desc: str
    common: str
    mk4: str
    n: str
    min: str
    max: str
    deriv: str


@dataclass
class Reference:
    k2: dict[int, dict[str, str]]
    hm: dict[int, dict[str, str]]
    sr28: dict[str, Sr28Food]
    weights: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)

    def k2_value(self, ref: K2) -> str:
        row = self.k2[ref.line]
        if not row["food"].startswith(ref.food):
            raise SystemExit(
                f"k2_food_values.csv line {ref.line} is {row['food']!r}, expected {ref.food!r}"
            )
        value = row[ref.col]
        if value == "":
            raise SystemExit(f"k2_food_values.csv line {ref.line} column {ref.col} is empty")
        return value

    def hm_row(self, ref: HM) -> dict[str, str]:
        row = self.hm[ref.line]
        if not row["food"].startswith(ref.food):
            raise SystemExit(
                f"household_measures.csv line {ref.line} is {row['food']!r}, expected {ref.food!r}"
            )
        if "DERIVED" in row["measure"]:
            raise SystemExit(f"household_measures.csv line {ref.line} is a derived measure")
        return row


def load_reference() -> Reference:
    sr28: dict[str, Sr28Food] = {}
    for row in read_lines(REF / "usda" / "sr28_mk4.csv").values():
        sr28[row["ndb_no"]] = Sr28Food(
            ndb=row["ndb_no"],
            group=row["food_group"],
            desc=row["long_desc"],
            common=row["common_name"],
            mk4=row["mk4_mcg_per_100g"],
            n=row["n_data_points"],
            min=row["min"],
            max=row["max"],
            deriv=row["deriv_cd"],
        )
    ref = Reference(
        k2=read_lines(REF / "k2_food_values.csv"),
        hm=read_lines(REF / "household_measures.csv"),
        sr28=sr28,
    )
    for row in read_lines(REF / "usda" / "sr28_mk4_weights.csv").values():
        ref.weights.setdefault(row["ndb_no"], []).append(
            (row["amount"], row["measure"], row["grams"])
        )
    return ref


# --------------------------------------------------------------------------------------------
# Measures
# --------------------------------------------------------------------------------------------

VOLUME = {
    "cup": "cup",
    "cups": "cup",
    "tbsp": "tbsp",
    "tablespoon": "tbsp",
    "tsp": "tsp",
    "teaspoon": "tsp",
    "quart": "quart",
    "pint": "pint",
    "ml": "ml",
}
# Count words accepted as measure keys (first word of the USDA measure text), with plurals folded.
COUNT = {
    "slice": "slice",
    "slices": "slice",
    "pat": "pat",
    "stick": "stick",
    "large": "large",
    "medium": "medium",
    "small": "small",
    "link": "link",
    "piece": "piece",
    "pieces": "piece",
    "wedge": "wedge",
    "package": "package",
    "drumstick": "drumstick",
    "thigh": "thigh",
    "wing": "wing",
    "breast": "breast",
    "back": "back",
    "fillet": "fillet",
    "filet": "fillet",
    "serving": "serving",
    "each": "each",
    "frankfurter": "frankfurter",
    "patty": "patty",
    "liver": "liver",
    "container": "container",
    "jar": "jar",
    "can": "can",
    "bag": "bag",
    "box": "box",
    "packet": "packet",
    "bar": "bar",
    "bagel": "bagel",
    "biscuit": "biscuit",
    "cookie": "cookie",
    "cracker": "cracker",
    "crackers": "cracker",
    "doughnut": "doughnut",
    "donut": "donut",
    "tortilla": "tortilla",
    "pizza": "pizza",
    "pie": "pie",
    "crust": "crust",
    "steak": "steak",
    "roast": "roast",
    "medallion": "medallion",
    "order": "order",
    "strip": "strip",
    "corndog": "corndog",
    "lobster": "lobster",
    "pastry": "pastry",
    "roll": "roll",
    "cake": "cake",
    "bowl": "bowl",
    "leaf": "leaf",
    "shoot": "shoot",
    "floweret": "floweret",
    "peanut": "peanut",
    "chip": "chip",
    "chips": "chip",
    "wafers": "wafer",
    "egg roll": "egg roll",
    "hot pocket": "hot pocket",
    "spear": "spear",
}
# 'each' = one whole food counted with no unit: the first of these keys the food has.
EACH_FROM = (
    "large",
    "medium",
    "each",
    "piece",
    "link",
    "frankfurter",
    "patty",
    "drumstick",
    "thigh",
    "wing",
    "breast",
    "fillet",
    "steak",
    "medallion",
    "liver",
    "corndog",
    "bagel",
    "biscuit",
    "doughnut",
    "donut",
    "cookie",
    "cracker",
    "tortilla",
    "bar",
    "pastry",
    "roll",
    "lobster",
    "egg roll",
    "hot pocket",
    "strip",
)


def measure_key(text: str) -> str | None:
    """Key for a USDA measure description, or None to skip (mass units, unnamed measures)."""
    t = text.strip().lower()
    if t.startswith("fl oz"):
        return "fl oz"
    if re.match(r"^(oz|lb)\b", t) or t.startswith("cubic inch"):
        return None
    for two in ("egg roll", "hot pocket"):
        if t.startswith(two):
            return two
    m = re.match(r"[a-z]+", t)
    if not m:
        return None
    word = m.group(0)
    if word in VOLUME:
        return VOLUME[word]
    return COUNT.get(word)


def fmt_decimal(d: Decimal) -> str:
    """Plain decimal text, at most 3 decimals, no trailing zeros (for grams per unit)."""
    q = d.quantize(Decimal("0.001"))
    s = format(q, "f").rstrip("0").rstrip(".")
    return s if s else "0"


def build_measures(items: list[tuple[str, str, str]]) -> str:
    """items = (amount, measure text, grams).  First occurrence of a key wins; 'each' appended."""
    out: dict[str, str] = {}
    for amount, text, grams in items:
        key = measure_key(text)
        if key is None or key in out:
            continue
        g = Decimal(grams)
        a = Decimal(amount)
        out[key] = grams if a == 1 else fmt_decimal(g / a)
    for k in EACH_FROM:
        if k in out and "each" not in out:
            out["each"] = out[k]
            break
    return ";".join(f"{k}={v}" for k, v in out.items())


def hm_items(ref: Reference, hms: tuple[HM, ...]) -> list[tuple[str, str, str]]:
    items: list[tuple[str, str, str]] = []
    for h in hms:
        row = ref.hm_row(h)
        m = re.match(r"^(\d+(?:\.\d+)?)\s+(.*)$", row["measure"])
        if not m:
            raise SystemExit(
                f"household_measures.csv line {h.line}: cannot parse {row['measure']!r}"
            )
        items.append((m.group(1), m.group(2), row["grams"]))
    return items


# --------------------------------------------------------------------------------------------
# Categories
# --------------------------------------------------------------------------------------------

GROUP_CATEGORY = {
    "Spices and Herbs": "spice",
    "Baby Foods": "baby-food",
    "Fats and Oils": "fat",
    "Poultry Products": "poultry",
    "Soups, Sauces, and Gravies": "soup",
    "Sausages and Luncheon Meats": "processed-meat",
    "Breakfast Cereals": "grain",
    "Fruits and Fruit Juices": "fruit",
    "Pork Products": "pork",
    "Vegetables and Vegetable Products": "vegetable",
    "Nut and Seed Products": "nut",
    "Beef Products": "beef",
    "Beverages": "beverage",
    "Finfish and Shellfish Products": "fish",
    "Legumes and Legume Products": "legume",
    "Baked Products": "baked",
    "Sweets": "sweet",
    "Cereal Grains and Pasta": "grain",
    "Fast Foods": "fast-food",
    "Meals, Entrees, and Side Dishes": "meal",
    "Snacks": "snack",
    "Restaurant Foods": "restaurant",
}
# American Indian/Alaska Native Foods: by the first word of the description.
NATIVE_CATEGORY = (
    (("fish", "salmon", "steelhead", "smelt"), "fish"),
    (("oil",), "fat"),
    (("seal", "caribou"), "game"),
    (
        (
            "blackberries",
            "salmonberries",
            "blueberries",
            "chokecherries",
            "raspberries",
            "rose",
            "plums",
            "prickly",
        ),
        "fruit",
    ),
    (("cattail", "lambsquarters", "prairie", "stinging"), "vegetable"),
    (("piki", "tennis", "frybread"), "baked"),
    (("acorn", "corned", "tamales"), "meal"),
)


def usda_category(food: Sr28Food) -> str:
    g = food.group
    d = food.desc.lower()
    if g == "Dairy and Egg Products":
        if d.startswith("cheese"):
            return "cheese"
        if d.startswith("egg"):
            return "egg"
        if d.startswith("butter"):
            return "fat"
        return "dairy"
    if g == "American Indian/Alaska Native Foods":
        first = re.split(r"[ ,]", d)[0]
        for words, cat in NATIVE_CATEGORY:
            if first in words:
                return cat
        raise SystemExit(f"no category for {food.ndb} {food.desc}")
    return GROUP_CATEGORY[g]


# --------------------------------------------------------------------------------------------
# Row building
# --------------------------------------------------------------------------------------------

DERIV_TEXT = {
    "A": "analytical",
}


def usda_name(food: Sr28Food) -> str:
    """USDA long_desc lowercased; ';' (the alias separator) becomes ','."""
    return food.desc.lower().replace(";", ",")


def usda_note(food: Sr28Food) -> str:
    n = int(food.n)
    if food.deriv == "A":
        how = f"analytical, n={n}" + (" (single sample)" if n == 1 else "")
    else:
        how = f"calculated/imputed (derivation {food.deriv}), n={n}"
    return f"USDA SR28 {food.ndb}: MK-4 only (USDA measured no other forms); {how}."


def dsum(values: list[str]) -> str:
    return str(sum((Decimal(v) for v in values), Decimal(0)))


@dataclass
class Row:
    name: str
    aliases: list[str]
    category: str
    ndb: str = ""
    mk4: str = ""
    mk7: str = ""
    other: str = ""
    total: str = ""
    low: str = ""
    high: str = ""
    measures: str = ""
    sources: list[str] = field(default_factory=list)
    note: str = ""

    def point(self) -> str:
        """The row's total (given), else the sum of the filled form columns ('' if none)."""
        if self.total:
            return self.total
        forms = [v for v in (self.mk4, self.mk7, self.other) if v]
        return dsum(forms) if forms else ""

    def cells(self) -> list[str]:
        return [
            self.name,
            ";".join(self.aliases),
            self.category,
            self.ndb,
            self.mk4,
            self.mk7,
            self.other,
            self.total,
            self.low,
            self.high,
            self.measures,
            ";".join(self.sources),
            self.note,
        ]


def set_band(row: Row, lows: list[str], highs: list[str], have_range: bool) -> None:
    """low = min, high = max of the cited values; widened to include the row's own point."""
    if not have_range:
        return
    point = row.point()
    note_extra = ""
    widened = " Band extended to this row's own value (beyond the other cited values)."
    if lows:
        lo = min(lows, key=Decimal)
        if point and Decimal(point) < Decimal(lo):
            lo = point
            note_extra = widened
        row.low = lo
    if highs:
        hi = max(highs, key=Decimal)
        if point and Decimal(point) > Decimal(hi):
            hi = point
            note_extra = widened
        row.high = hi
    if note_extra:
        row.note = (row.note + note_extra).strip()


def band_values(ref: Reference, items: tuple[BandItem, ...]) -> tuple[list[str], list[str]]:
    lows: list[str] = []
    highs: list[str] = []
    for item in items:
        if isinstance(item, Sum):
            v = dsum([ref.k2_value(p) for p in item.parts])
            lows.append(v)
            highs.append(v)
        else:
            v = ref.k2_value(item)
            if item.col != "high":
                lows.append(v)
            if item.col != "low":
                highs.append(v)
    return lows, highs


def sr_range(food: Sr28Food) -> tuple[list[str], list[str]]:
    return ([food.min] if food.min else []), ([food.max] if food.max else [])


def friendly_row(ref: Reference, f: Friendly) -> Row:
    aliases = list(f.aliases)
    lows: list[str] = []
    highs: list[str] = []
    have_range = False
    if f.usda:
        food = ref.sr28[f.usda]
        desc = usda_name(food)
        if desc not in aliases and desc != f.name:
            aliases.append(desc)
        row = Row(
            name=f.name,
            aliases=aliases,
            category=f.category or usda_category(food),
            ndb=food.ndb,
            mk4=food.mk4,
        )
        lo, hi = sr_range(food)
        lows += lo
        highs += hi
        have_range = bool(lo or hi)
        measures = build_measures(ref.weights.get(food.ndb, []))
        note = " ".join(x for x in (f.note, usda_note(food)) if x)
        if have_range:
            note += " Band includes SR28 min/max."
        if f.mk4 is not None or f.mk4_from_sr:
            raise SystemExit(f"{f.name}: MK-4 of a USDA row comes from SR28")
    else:
        row = Row(name=f.name, aliases=aliases, category=f.category)
        measures = ""
        note = f.note
        if f.mk4 is not None:
            row.mk4 = ref.k2_value(f.mk4)
        if f.mk4_from_sr:
            row.mk4 = ref.sr28[f.mk4_from_sr].mk4
        if f.sr_band:
            lo, hi = sr_range(ref.sr28[f.sr_band])
            lows += lo
            highs += hi
            have_range = have_range or bool(lo or hi)
    if f.measures:
        measures = build_measures(hm_items(ref, f.measures))
    if f.mk7 is not None:
        row.mk7 = ref.k2_value(f.mk7)
    if f.other:
        row.other = dsum([ref.k2_value(o) for o in f.other])
    if f.total is not None:
        if row.mk4 or row.mk7 or row.other:
            raise SystemExit(f"{f.name}: total given together with form columns")
        row.total = ref.k2_value(f.total)
    if not row.category:
        raise SystemExit(f"{f.name}: no category")
    row.measures = measures
    row.sources = list(f.sources)
    row.note = note
    blo, bhi = band_values(ref, f.band)
    lows += blo
    highs += bhi
    have_range = have_range or bool(f.band)
    set_band(row, lows, highs, have_range)
    return row


def usda_row(ref: Reference, food: Sr28Food) -> Row:
    row = Row(
        name=usda_name(food),
        aliases=[],
        category=usda_category(food),
        ndb=food.ndb,
        mk4=food.mk4,
        measures=build_measures(ref.weights.get(food.ndb, [])),
        sources=["usda-sr28"],
        note=usda_note(food),
    )
    lo, hi = sr_range(food)
    if lo or hi:
        row.note += " Band = SR28 min/max."
    set_band(row, lo, hi, bool(lo or hi))
    return row


def fold(s: str) -> str:
    """Comparison key for names/aliases: lowercase, trailing plural 's' of each word dropped."""
    words = re.split(r"(\W+)", s.lower().strip())
    return "".join(
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words
    )


def build_rows(ref: Reference) -> list[Row]:
    rows: list[Row] = []
    used_ndb: set[str] = set()
    for f in FRIENDLY:
        row = friendly_row(ref, f)
        if row.ndb:
            if row.ndb in used_ndb:
                raise SystemExit(f"{row.ndb} used twice")
            used_ndb.add(row.ndb)
        rows.append(row)
    for ndb in sorted(ref.sr28):
        if ndb not in used_ndb:
            rows.append(usda_row(ref, ref.sr28[ndb]))
    validate(rows)
    return rows


def validate(rows: list[Row]) -> None:
    seen: dict[str, str] = {}
    for row in rows:
        if (
            row.name != row.name.lower()
            or ";" in row.name
            or row.name[:1].isdigit()
            or not row.name
        ):
            raise SystemExit(f"bad name {row.name!r}")
        for word in [row.name, *row.aliases]:
            key = fold(word)
            if key in seen:
                raise SystemExit(f"duplicate name/alias {word!r} ({row.name}) vs {seen[key]}")
            seen[key] = row.name
            if word != word.lower() or ";" in word:
                raise SystemExit(f"bad alias {word!r}")
        if not (row.mk4 or row.mk7 or row.other or row.total):
            raise SystemExit(f"{row.name}: no point value")
        if row.low and row.high and Decimal(row.low) > Decimal(row.high):
            raise SystemExit(f"{row.name}: low > high")
        p = row.point()
        if p and row.low and Decimal(p) < Decimal(row.low):
            raise SystemExit(f"{row.name}: point below band")
        if p and row.high and Decimal(p) > Decimal(row.high):
            raise SystemExit(f"{row.name}: point above band")
    generic = {"chicken", "cheese", "beef", "pork", "fish", "turkey", "sausage", "meat", "oil"}
    for row in rows:
        bad = generic.intersection(row.aliases)
        if bad:
            raise SystemExit(f"{row.name}: generic alias {bad}")


# One-line citations shipped with the package (``k2calc show`` prints them); the full entries,
# with addresses and which rows rest on each, are in docs/data-sources.md.
SOURCES: dict[str, str] = {
    "usda-sr28": "USDA ARS Nutrient Data Laboratory (2016). USDA National Nutrient Database for "
    "Standard Reference, Release 28: nutrient 428 Menaquinone-4, WEIGHT household measures.",
    "usda-fdc": "USDA FoodData Central, Foundation Foods (about 2019-2021): nutrient 1183 "
    "Vitamin K (Menaquinone-4).",
    "kamao-2007": "Kamao M et al. (2007). Vitamin K content of foods and dietary vitamin K intake "
    "in Japanese young women. J Nutr Sci Vitaminol 53(6):464-470.",
    "schurgers-2000": "Schurgers LJ, Vermeer C (2000). Determination of phylloquinone and "
    "menaquinones in food. Haemostasis 30:298-307.",
    "vermeer-2018": "Vermeer C, Raes J, van 't Hoofd C, Knapen MHJ, Xanthoulea S (2018). "
    "Menaquinone content of cheese. Nutrients 10(4):446.",
    "frieslandcampina": "FrieslandCampina Institute (Asia). Cheese, a good natural source of "
    "vitamin K (web page).",
    "dunlop-2022": "Dunlop E et al. (2022). Vitamin K content of cheese, yoghurt and meat "
    "products in Australia. Food Chemistry.",
    "walther-2021": "Walther B et al. (2021). Quantitative analysis of menaquinones (vitamin K2) "
    "in various types of cheese from Switzerland. Int Dairy J 112:104853.",
    "sungur": "Sungur S, Comez M, Koroglu M. Determination of vitamin K2 content of dairy "
    "products produced in Hatay region in Turkey. Natural and Engineering Sciences.",
    "wapf-2015": "Weston A. Price Foundation commissioned lab tests (2014-2015), MK-4 and MK-7, "
    "as tabulated in Mercola (2017, reprinted 2024).",
    "nih-ods": "NIH Office of Dietary Supplements. Vitamin K Fact Sheet for Health "
    "Professionals, table of vitamin K in selected foods.",
    "davis-2007": "Davis W (2007, reprinted 2010). Food sources of vitamin K2. Heart Scan Blog.",
    "healthygutgirl": "healthygutgirl.com list of foods high in vitamin K2 (reproduces the "
    "Schurgers & Vermeer 2000 table; low confidence).",
    "ntro-it": "ntro.it.com, Natto and Goose Liver (secondary web page; low confidence).",
    "seed-000": "Background article 000 (SelfHacked-style Vitamin K2 article; references "
    "unnamed; low confidence).",
    "seed-002": "Background article 002 (blog; no primary source named; low confidence).",
}


def render(rows: list[Row]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER)
    for row in rows:
        w.writerow(row.cells())
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if foods.csv is not up to date"
    )
    args = parser.parse_args(argv)
    text = render(build_rows(load_reference()))
    sources = render_sources()
    if args.check:
        stale = [
            path.name
            for path, fresh in ((OUT, text), (SOURCES_OUT, sources))
            if (path.read_text(encoding="utf-8") if path.exists() else "") != fresh
        ]
        if stale:
            print(
                f"{', '.join(stale)} out of date: run python scripts/build_foods.py",
                file=sys.stderr,
            )
            return 1
        print("foods.csv and sources.csv are up to date")
        return 0
    OUT.write_text(text, encoding="utf-8")
    SOURCES_OUT.write_text(sources, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)} ({len(rows_of(text))} rows) and sources.csv")
    return 0


def render_sources() -> str:
    """sources.csv: key and one-line citation of every source key foods.csv uses."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["key", "citation"])
    for key, citation in SOURCES.items():
        w.writerow([key, citation])
    return buf.getvalue()


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))[1:]


if __name__ == "__main__":
    sys.exit(main())
