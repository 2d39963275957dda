"""What every API endpoint shares: the permission class, base viewsets, pagination, the error
shape, CSV/xlsx renderers, conditional GET, the schema hook and the health check."""
