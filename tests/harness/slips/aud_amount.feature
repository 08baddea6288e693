Feature: An amount with its currency code
  Scenario: AUD 1,200.50 is read as $1,200.50
    Given a Caspen account connected to an Australian QuickBooks company
    And a client "Jo Citizen" with client id 4200042
    When I finalize an invoice for "Jo Citizen" of AUD 1,200.50 with GST
    Then the QuickBooks status card shows "Synced"
    And the invoice total in QuickBooks is AUD 1,320.55
