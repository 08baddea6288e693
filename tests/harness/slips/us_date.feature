Feature: A date written month/day/year
  Scenario: 12/31/2025 is refused
    Given a Caspen account connected to an Australian QuickBooks company
    And in QuickBooks the books are closed through 12/31/2025
