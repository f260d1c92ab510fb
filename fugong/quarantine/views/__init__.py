"""Pages of quarantine, one module per part: returnees & rules, handovers, orders, sites, notices."""
