Feature: A date written day/month/year
  Scenario: 31/12/2025 is read as 31 December 2025
    Given a Caspen account connected to an Australian QuickBooks company
    And in QuickBooks the books are closed through 31/12/2025
    And a client "Jo Citizen" with client id 4200042
    When I finalize an invoice for "Jo Citizen" of $100.00 with GST
    Then the QuickBooks status card shows "Synced"
