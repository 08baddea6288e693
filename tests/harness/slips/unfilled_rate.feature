Feature: An outline placeholder without an Examples column
  Scenario Outline: Finalizing in <region>
    Given a Caspen account connected to an Australian QuickBooks company
    And a client "Jo Citizen" with client id 4200042
    When I finalize an invoice for "Jo Citizen" of $100.00 with <rate>
    Then the QuickBooks status card shows "Synced"

    Examples:
      | region    |
      | Australia |
