Feature: A scenario with no mistake
  Scenario: Finalizing an invoice syncs it
    Given a Caspen account connected to an Australian QuickBooks company
    And a client "Jo Citizen" with client id 4200042
    When I finalize an invoice for "Jo Citizen" of $100.00 with GST
    Then the QuickBooks status card shows "Synced"
