from competencies.models.settings import AgencySettings

__all__ = ["AgencySettings"]
