"""`plan_load`: puts what the plan states into the database, adding only what is missing.

A second run changes no row, and a planner's later edits (a placeholder renamed, a park's
area entered) are never overwritten: rows are matched on their natural keys and left alone
when they exist.
"""
from collections import Counter
from typing import Any

from django.db import models, transaction

from clusters.models import Cluster, StageGoal
from core.writes import save_change
from funds.models import Fund
from indicators.models import CityIndicator
from investment.choices import Channel, Currency
from investment.models import InvestmentTarget, Project
from org.models import Department, Region
from parks.models import Park, ParkReadinessItem, StandardFactoryProgramme
from progress.models import AssessmentWeight, Criterion

from . import data

CHANGE_REASON = "load_plan"


class _Loader:
    def __init__(self) -> None:
        self.created: Counter[str] = Counter()

    def ensure(self, model: type[models.Model], lookup: dict[str, Any], defaults: dict[str, Any]) -> models.Model:
        obj = model._default_manager.filter(**lookup).first()
        if obj is not None:
            return obj
        obj = save_change(model(**lookup, **defaults), user=None, reason=CHANGE_REASON)
        self.created[model._meta.label] += 1
        return obj

    def regions(self) -> dict[str, Region]:
        return {
            code: self.ensure(Region, {"code": code}, {"name_zh": zh, "name_en": en, "kind": kind})
            for code, zh, en, kind in data.REGIONS
        }

    def departments(self, regions: dict[str, Region]) -> dict[str, Department]:
        return {
            spec.code: self.ensure(Department, {"code": spec.code}, {
                "name_zh": spec.name_zh, "name_en": spec.name_en, "kind": spec.kind,
                "responsibility": spec.responsibility, "is_placeholder": spec.placeholder,
                "region": regions[spec.region] if spec.region else None,
            })
            for spec in data.DEPARTMENTS + data.GOVERNMENTS
        }

    def clusters(self, regions: dict[str, Region], departments: dict[str, Department]) -> dict[str, Cluster]:
        clusters = {}
        for spec in data.CLUSTERS:
            existed = Cluster.objects.filter(code=spec.code).exists()
            cluster = self.ensure(Cluster, {"code": spec.code}, {
                "name_zh": spec.name_zh, "name_en": spec.name_en, "industry": spec.industry, "level": spec.level,
                "responsible_department": departments[spec.department], "is_placeholder": spec.placeholder,
                "notes": spec.notes,
            })
            if not existed:
                cluster.regions.set(regions[code] for code in spec.regions)
                # The land, finance, environment and financial-services departments support every cluster.
                cluster.supporting_departments.set(departments[code] for code in data.SUPPORT_DEPARTMENT_CODES)
            clusters[spec.code] = cluster
        return clusters

    def goals(self, clusters: dict[str, Cluster]) -> None:
        for spec in data.GOALS:
            self.ensure(StageGoal, {"code": spec.code}, {
                "stage": spec.stage, "deadline_year": spec.deadline_year, "kind": spec.kind,
                "cluster": clusters[spec.cluster] if spec.cluster else None, "threshold": spec.threshold,
                "unit": spec.unit, "target_count": spec.target_count, "description_zh": spec.description_zh,
                "description_en": spec.description_en, "source_text": spec.source_text,
            })

    def parks(self, regions: dict[str, Region], departments: dict[str, Department],
              clusters: dict[str, Cluster]) -> None:
        for code in data.PARK_REGION_CODES:
            region = regions[code]
            park = self.ensure(Park, {"code": f"{code}-park"}, {
                "name": f"{region.name_zh}重点园区（名称待定）", "region": region,
                "responsible_department": departments[data.PARK_DEPARTMENT[region.kind]],
                "leading_cluster": clusters[f"{code}-main"], "area_target_km2": data.PARK_AREA_TARGET_KM2,
                "area_stretch_km2": data.PARK_AREA_STRETCH_KM2, "target_year": data.PLAN_YEAR,
                "factory_target_min_m2": data.PARK_FACTORY_MIN_M2, "factory_target_max_m2": data.PARK_FACTORY_MAX_M2,
                "is_placeholder": True,
            })
            for kind in data.READINESS_KINDS:
                self.ensure(ParkReadinessItem, {"park": park, "kind": kind}, {
                    "deadline": data.READINESS_DEADLINE, "final_deadline": data.READINESS_FINAL_DEADLINE,
                })
        self.ensure(StandardFactoryProgramme, {"year": data.PLAN_YEAR}, {
            "target_m2": data.CITYWIDE_FACTORY_TARGET_M2, "budget_wan": data.CITYWIDE_FACTORY_BUDGET_WAN,
            "source_text": "今年还要投入30亿元建设标准化厂房200万平方米",
        })

    def funds(self) -> None:
        for spec in data.FUNDS:
            self.ensure(Fund, {"code": spec.code}, {
                "name_zh": spec.name_zh, "name_en": spec.name_en, "amount_wan": spec.amount_wan,
                "purpose": spec.purpose, "year": data.PLAN_YEAR, "requires_matching_fund": spec.requires_matching_fund,
                "source_text": spec.source_text,
            })

    def projects(self, clusters: dict[str, Cluster]) -> None:
        for spec in data.KEY_PROJECTS:
            self.ensure(Project, {"name": spec.name}, {
                "cluster": clusters[spec.cluster] if spec.cluster else None, "stage": spec.stage,
                "capacity": spec.capacity, "capacity_unit": spec.capacity_unit, "is_key": True,
                "channel": Channel.UNKNOWN, "currency": Currency.CNY, "source_text": spec.source_text,
            })

    def investment_targets(self) -> None:
        for origin, amount, currency, wording in data.INVESTMENT_TARGETS:
            self.ensure(InvestmentTarget, {"year": data.PLAN_YEAR, "origin": origin},
                        {"amount": amount, "currency": currency, "source_text": wording})

    def indicators(self) -> None:
        for spec in data.INDICATORS:
            self.ensure(CityIndicator, {"code": spec.code, "year": data.PLAN_YEAR}, {
                "name_zh": spec.name_zh, "name_en": spec.name_en, "comparison": spec.comparison,
                "target_percent": spec.target_percent, "source_text": spec.source_text,
            })


    def assessment_weights(self) -> None:
        # Not stated by the plan: equal weights as an explicit default a planner edits.
        for criterion in Criterion.values:
            self.ensure(AssessmentWeight, {"criterion": criterion}, {"weight": data.DEFAULT_ASSESSMENT_WEIGHT})


@transaction.atomic
def plan_load() -> Counter[str]:
    """Load the plan; returns how many rows of each model were created (empty on a second run)."""
    loader = _Loader()
    regions = loader.regions()
    departments = loader.departments(regions)
    clusters = loader.clusters(regions, departments)
    loader.goals(clusters)
    loader.parks(regions, departments, clusters)
    loader.funds()
    loader.projects(clusters)
    loader.investment_targets()
    loader.indicators()
    loader.assessment_weights()
    return loader.created
