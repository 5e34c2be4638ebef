"""Write the illustrative DOCX work programmes (РПД) in corpora/samples/ with python-docx.

Two made-up Russian work programmes, written for outcome-matcher (not a real institution's):

- rpd_databases_ru.docx: outcomes as paragraphs under "Знать:", "Уметь:", "Владеть:" after
  the lead-in "В результате освоения дисциплины обучающийся должен:";
- rpd_networks_ru.docx: outcomes in a table whose header row is "Знания | Умения | Навыки",
  beside a competence column with an empty header.

Usage: python scripts/make_example_rpd.py [--out corpora/samples]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import docx
from docx.document import Document

SAMPLES = Path(__file__).resolve().parents[1] / "corpora" / "samples"

DATABASES = {
    "Знать:": [
        "основные модели данных и принципы построения реляционных баз данных;",
        "язык запросов SQL и средства определения данных;",
        "принципы нормализации схем баз данных.",
    ],
    "Уметь:": [
        "проектировать схему реляционной базы данных по описанию предметной области;",
        "писать SQL-запросы с соединениями, группировкой и подзапросами;",
        "создавать индексы и оценивать планы выполнения запросов.",
    ],
    "Владеть:": [
        "навыками администрирования СУБД PostgreSQL;",
        "навыками резервного копирования и восстановления баз данных.",
    ],
}

NETWORKS = (
    "ОПК-2. Способен настраивать и сопровождать компьютерные сети",
    "основы стека протоколов TCP/IP;\nпринципы маршрутизации и коммутации.",
    "настраивать IP-адресацию и маршрутизацию;\nдиагностировать неисправности сети.",
    "работы с сетевым оборудованием через командную строку.",
)


def _heading_part(document: Document, title: str, credits: str, aim: str) -> None:
    document.core_properties.title = title
    document.add_paragraph("Министерство науки и высшего образования (пример)")
    document.add_paragraph(f"Рабочая программа дисциплины «{title}»")
    document.add_paragraph(f"Трудоемкость дисциплины: {credits}")
    document.add_heading("1. Цели освоения дисциплины", level=1)
    document.add_paragraph(f"Цель дисциплины: {aim}")
    document.add_heading("2. Планируемые результаты обучения", level=1)


def databases() -> Document:
    """Outcomes as paragraphs under Знать / Уметь / Владеть."""
    document = docx.Document()
    aim = "сформировать у студентов знания и умения проектирования и использования баз данных."
    _heading_part(document, "Базы данных", "4 зачетные единицы (144 часа)", aim)
    document.add_paragraph("В результате освоения дисциплины обучающийся должен:")
    for heading, items in DATABASES.items():
        document.add_paragraph(heading)
        for item in items:
            document.add_paragraph(item, style="List Bullet")
    document.add_heading("3. Содержание дисциплины", level=1)
    document.add_paragraph("Тема 1. Модели данных. Тема 2. Язык SQL. Тема 3. Нормализация.")
    return document


def networks() -> Document:
    """Outcomes in a table: (competence) | Знания | Умения | Навыки."""
    document = docx.Document()
    aim = "подготовить студентов к настройке и сопровождению компьютерных сетей."
    _heading_part(document, "Компьютерные сети", "3 ЗЕТ", aim)
    table = document.add_table(rows=2, cols=4)
    # The competence column has an empty header: a header row is all outcome headings.
    for cell, text in zip(table.rows[0].cells, ("", "Знания", "Умения", "Навыки"), strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, NETWORKS, strict=True):
        cell.text = text
    document.add_heading("3. Содержание дисциплины", level=1)
    document.add_paragraph("Тема 1. Модель OSI. Тема 2. IP-адресация. Тема 3. Маршрутизация.")
    return document


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SAMPLES)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, document in (("rpd_databases_ru", databases()), ("rpd_networks_ru", networks())):
        document.save(str(args.out / f"{name}.docx"))


if __name__ == "__main__":
    main()
