Feature: A Then step written as And after a Given
  Scenario: Checking the card in the Given block
    Given a Caspen account connected to an Australian QuickBooks company
    And a client "Jo Citizen" with client id 4200042
    And a finalized invoice for "Jo Citizen" of $100.00 with GST
    And the QuickBooks status card shows "Synced"
