"""Extra questions a category asks (Open311 service attributes) and the answers on cases."""
from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.categories import Category


class AttributeDatatype(StrEnum):
    """The input types of the GeoReport v2 service definition."""

    STRING = "string"
    NUMBER = "number"
    DATETIME = "datetime"
    TEXT = "text"
    SINGLEVALUELIST = "singlevaluelist"
    MULTIVALUELIST = "multivaluelist"


LIST_DATATYPES = (AttributeDatatype.SINGLEVALUELIST, AttributeDatatype.MULTIVALUELIST)


class CategoryAttribute(db.Model):
    """One extra question of a category, in the order it is asked."""

    __tablename__ = "category_attributes"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("categories.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(32))
    position: Mapped[int] = mapped_column()
    datatype: Mapped[str] = mapped_column(sa.String(16))
    required: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # False: a piece of information shown to the citizen, not a question.
    variable: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    description_vi: Mapped[str] = mapped_column(sa.String(500))
    description_en: Mapped[str] = mapped_column(sa.String(500))
    hint_vi: Mapped[str | None] = mapped_column(sa.String(255))
    hint_en: Mapped[str | None] = mapped_column(sa.String(255))

    category: Mapped[Category] = relationship()
    options: Mapped[list[AttributeOption]] = relationship(
        back_populates="attribute", order_by="AttributeOption.position",
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        sa.UniqueConstraint("category_id", "code", name="uq_category_attributes_code"),
        sa.UniqueConstraint("category_id", "position", name="uq_category_attributes_position"),
        sa.CheckConstraint("position > 0", name="position_positive"),
        sa.CheckConstraint("length(code) > 0", name="code_not_empty"),
        sa.CheckConstraint(
            "datatype IN (" + ", ".join(f"'{d.value}'" for d in AttributeDatatype) + ")",
            name="datatype_known",
        ),
    )

    def description(self, locale: str = "vi") -> str:
        """The question in the reader's language."""
        return self.description_en if locale == "en" else self.description_vi

    def hint(self, locale: str = "vi") -> str | None:
        """How to answer, in the reader's language (Open311's datatype_description)."""
        return self.hint_en if locale == "en" else self.hint_vi

    @property
    def is_list(self) -> bool:
        """Whether the answer is chosen from the options."""
        return self.datatype in LIST_DATATYPES

    def __repr__(self) -> str:
        return f"<CategoryAttribute {self.code} {self.datatype}>"


class AttributeOption(db.Model):
    """A value a list question offers (key sent by clients, name shown to people)."""

    __tablename__ = "attribute_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    attribute_id: Mapped[int] = mapped_column(sa.ForeignKey("category_attributes.id"))
    key: Mapped[str] = mapped_column(sa.String(64))
    name_vi: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[int] = mapped_column(default=0, server_default="0")

    attribute: Mapped[CategoryAttribute] = relationship(back_populates="options")

    __table_args__ = (
        sa.UniqueConstraint("attribute_id", "key", name="uq_attribute_options_key"),
        sa.CheckConstraint("length(key) > 0", name="key_not_empty"),
    )

    def name(self, locale: str = "vi") -> str:
        """The option's label in the reader's language."""
        return self.name_en if locale == "en" else self.name_vi


class CaseAttributeValue(db.Model):
    """One answer to an extra question on a case (several rows for a multi-value list)."""

    __tablename__ = "case_attribute_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    attribute_id: Mapped[int] = mapped_column(sa.ForeignKey("category_attributes.id"))
    position: Mapped[int] = mapped_column(default=0, server_default="0")
    value: Mapped[str] = mapped_column(sa.Text)

    attribute: Mapped[CategoryAttribute] = relationship()

    __table_args__ = (
        sa.UniqueConstraint(
            "case_id", "attribute_id", "position", name="uq_case_attribute_values_answer"
        ),
    )
