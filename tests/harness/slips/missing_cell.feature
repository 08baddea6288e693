Feature: A table row with a missing cell
  Scenario: Lines with a missing tax rate cell
    Given a Caspen account connected to an Australian QuickBooks company
    And a client "Jo Citizen" with client id 4200042
    And a draft invoice for "Jo Citizen" with lines:
      | description   | kind    | quantity | unit price | tax rate |
      | Blocked drain | service | 2        | $90.00     |
    When I finalize the invoice
    Then the QuickBooks status card shows "Synced"
