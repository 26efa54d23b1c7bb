"""Policy vetting: evaluate products or bills of materials against policies as of a date."""
