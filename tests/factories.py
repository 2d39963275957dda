"""factory_boy factories for rows the plan does not load (figures, enterprises, users)."""
from decimal import Decimal

import factory

from clusters.models import Cluster, Enterprise, QuarterlyFigure
from org.models import Department, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-jinzhou-123")
    role = User.Role.VIEWER
    department = factory.LazyFunction(lambda: Department.objects.get(code="nlb"))


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    cluster = factory.LazyFunction(lambda: Cluster.objects.get(code="pv"))
    name = factory.Sequence(lambda n: f"企业{n}")


class QuarterlyFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuarterlyFigure

    cluster = factory.LazyFunction(lambda: Cluster.objects.get(code="pv"))
    year = 2011
    quarter = 1
    output_value = Decimal("50.00")
