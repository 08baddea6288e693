Feature: A discount without a unit
  Scenario: A discount of 0.1 is refused, not taken as ten cents
    Given a Caspen account connected to an Australian QuickBooks company
    And a client "Jo Citizen" with client id 4200042
    And a draft invoice for "Jo Citizen" with lines:
      | description   | kind    | quantity | unit price | tax rate |
      | Blocked drain | service | 2        | $90.00     | GST      |
    And the invoice has a discount of 0.1
    When I finalize the invoice
    Then the QuickBooks status card shows "Synced"
